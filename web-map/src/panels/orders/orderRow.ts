// One row of the 调派 list: who was sent where, the state, the distance left and the rough ETA,
// when it was sent (Beijing time), and 定位 / 取消. Its data-* attributes carry the state and the
// distance for tests and for diagnosing a wall screen.
import { etaText, metresText, ORDER_STATUS_TITLES, type Order } from '../../client/ordersApi.ts'
import { beijingTime } from '../../ui/time.ts'
import { el } from '../../ui/dom.ts'

export interface RowHooks {
  locate(o: Order): void
  cancel(o: Order, row: HTMLElement, error: HTMLElement): void
}

export const whoOf = (o: Order) => o.resource.member?.name ?? o.resource.device.name
export const targetText = (o: Order) => (o.target.type === 'grid' ? `网格 ${o.target.gridName ?? o.target.gridCode}` : `目标点（${o.target.radiusM} 米内）`)

export function orderRow(o: Order, hooks: RowHooks): HTMLLIElement {
  const error = el('p', { className: 'error', role: 'alert' })
  const locate = el('button', { type: 'button', className: 'order-locate' }, '定位')
  locate.addEventListener('click', () => hooks.locate(o))
  const buttons = el('div', { className: 'order-actions' }, locate)
  const li = el('li', { className: `order-item ${o.status}` })
  if (o.open) {
    const cancel = el('button', { type: 'button', className: 'order-cancel' }, '取消')
    cancel.addEventListener('click', () => hooks.cancel(o, li, error))
    buttons.append(cancel)
  }
  const when = o.status === 'arrived' ? `到达 ${beijingTime(o.arrivedAt, false)}` : o.open ? `截止 ${beijingTime(o.deadline, false)}` : `结束 ${beijingTime(o.closedAt, false)}`
  li.append(
    el('div', { className: 'order-head' },
      el('strong', { className: 'who' }, whoOf(o)),
      el('span', { className: `order-state ${o.status}` }, ORDER_STATUS_TITLES[o.status] ?? o.statusTitle)),
    el('div', { className: 'order-facts' },
      el('span', { className: 'target' }, `前往${targetText(o)}`),
      el('span', { className: 'distance' }, o.status === 'arrived' ? `到达距离 ${metresText(o.arrival?.distanceM ?? null)}` : `剩余 ${metresText(o.distanceLeftM)}`),
      el('span', { className: 'eta' }, o.open ? `预计 ${etaText(o.etaS)}` : '')),
    el('div', { className: 'order-meta' },
      el('time', { dateTime: o.sentAt }, `下达 ${beijingTime(o.sentAt, false)}`), el('span', {}, when),
      ...(o.eventNumber ? [el('span', { className: 'event' }, `事件 ${o.eventNumber}`)] : [])),
    ...(o.note ? [el('p', { className: 'note' }, o.note)] : []),
    buttons, error)
  li.dataset.orderId = String(o.id)
  li.dataset.status = o.status
  li.dataset.device = o.resource.device.identifier
  if (o.distanceLeftM !== null) li.dataset.distance = String(o.distanceLeftM)
  return li
}
