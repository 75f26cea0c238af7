// 派遣前往: a button beside a candidate member in the 调度 section: sends the member's device to the
// event's location (the event's own arrival radius of 50 m), tied to the event; the 调派 panel
// then follows it. A refusal is shown where the operator acted (the section's error line).
import type { Session } from '../../client/api.ts'
import { sendOrder } from '../../client/ordersApi.ts'
import { el } from '../../ui/dom.ts'
import { orderSent } from './hub.ts'

export interface SendSpec { deviceId: string; lonLat: [number, number]; eventNumber: string }

export function orderButton(session: Session, spec: SendSpec, showError: (message: string) => void): HTMLButtonElement {
  const b = el('button', { type: 'button', className: 'dispatch-send order-send', title: '派该人员前往事件地点，并在地图上跟踪至到达' }, '派遣前往')
  b.dataset.order = spec.deviceId
  b.addEventListener('click', () => {
    b.disabled = true
    showError('')
    sendOrder(session, { deviceId: spec.deviceId, target: { type: 'point', coordinates: spec.lonLat }, eventNumber: spec.eventNumber }).then((o) => {
      b.textContent = '已派遣'
      b.dataset.orderId = String(o.id)
      orderSent(o)
    }, (err: unknown) => {
      b.disabled = false
      showError((err as Error).message)
    })
  })
  return b
}
