// 调派指令 (resource orders): POST/GET /api/v1/resource-orders, cancel, and the Chinese words the
// page shows for their states and refusals. The server computes the distances (PostGIS, on the
// ellipsoid) and the rough ETA; the page re-reads an order when its device reports.
import type { Session } from './api.ts'

export type OrderStatus = 'sent' | 'en_route' | 'arrived' | 'cancelled' | 'expired'

export interface Order {
  id: number
  status: OrderStatus
  statusTitle: string
  open: boolean
  communityCode: string
  resource: { device: { identifier: string; name: string; kind: string }; member: { id: number; name: string | null } | null }
  target: { type: 'point'; coordinates: [number, number]; radiusM: number } | { type: 'grid'; gridCode: string; gridName: string | null; coordinates: [number, number] }
  eventNumber: string | null
  note: string | null
  sentAt: string
  sentBy: string | null
  deadline: string
  enRouteAt: string | null
  arrivedAt: string | null
  arrival: { lon: number; lat: number; accuracy: number | null; distanceM: number } | null
  closedAt: string | null
  cancelReason: string | null
  startDistanceM: number | null
  live: { coordinates: [number, number]; fixedAt: string; status: string | null; speed: number | null } | null
  distanceLeftM: number | null
  etaS: number | null
}

export interface OrderTrack { type: 'LineString'; coordinates: [number, number][]; times: string[]; truncated: boolean }

export interface NewOrder {
  deviceId?: string
  memberId?: number
  target?: { type: 'point'; coordinates: [number, number]; radiusM?: number } | { type: 'grid'; gridCode: string }
  eventNumber?: string
  note?: string
  expiresInMinutes?: number
}

export const ORDER_STATUS_TITLES: Record<OrderStatus, string> = {
  sent: '已下达', en_route: '前往中', arrived: '已到达', cancelled: '已取消', expired: '已超时',
}

/** The refusals an operator may meet, by the problem's type, in Chinese. */
const REFUSALS: Record<string, string> = {
  order_open: '该设备已有进行中的调派指令，请先取消',
  order_closed: '该指令已结束，无法取消',
  not_found: '资源、网格或事件不存在或不在辖区内',
  forbidden: '当前账号无权调派',
  validation_failed: '提交的内容有误',
}

async function refusal(res: Response, what: string): Promise<Error> {
  let detail = ''
  let type = ''
  try {
    const p = await res.json() as { detail?: unknown; type?: unknown }
    if (typeof p.detail === 'string') detail = p.detail
    if (typeof p.type === 'string') type = p.type.split('/').pop() ?? ''
  } catch {
    // not JSON: the status alone
  }
  const worded = REFUSALS[type] ?? `${what}失败`
  return new Error(`${worded}（${res.status}）${detail ? `：${detail}` : ''}`)
}

export async function sendOrder(session: Session, body: NewOrder): Promise<Order> {
  const res = await session.fetch('/api/v1/resource-orders', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw await refusal(res, '调派')
  return await res.json() as Order
}

export async function readOrder(session: Session, id: number): Promise<Order & { track: OrderTrack }> {
  const res = await session.fetch(`/api/v1/resource-orders/${id}`, { headers: { accept: 'application/json' } })
  if (!res.ok) throw await refusal(res, '读取调派指令')
  return await res.json() as Order & { track: OrderTrack }
}

/** The open orders of the user's area (at most 200, newest first). */
export async function openOrders(session: Session): Promise<Order[]> {
  const res = await session.fetch('/api/v1/resource-orders?status=open&limit=200', { headers: { accept: 'application/json' } })
  if (!res.ok) throw await refusal(res, '读取调派指令')
  return (await res.json() as { items: Order[] }).items
}

export async function cancelOrder(session: Session, id: number, reason?: string): Promise<Order> {
  const res = await session.fetch(`/api/v1/resource-orders/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(reason ? { reason } : {}) })
  if (!res.ok) throw await refusal(res, '取消调派')
  return await res.json() as Order
}

/** "850 米" / "2.4 公里". */
export function metresText(m: number | null): string {
  if (m === null) return '—'
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} 公里`
}

/** "约 4 分钟" / "约 1 小时 5 分" for a rough ETA in seconds. */
export function etaText(s: number | null): string {
  if (s === null) return '—'
  if (s < 60) return '1 分钟内'
  const min = Math.round(s / 60)
  return min < 60 ? `约 ${min} 分钟` : `约 ${Math.floor(min / 60)} 小时 ${min % 60} 分`
}
