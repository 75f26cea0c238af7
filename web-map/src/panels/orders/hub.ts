// Where orders sent from elsewhere on the page (the 调度 section's 派遣前往, the map's context
// action) are handed to the 调派 panel, without those modules importing the panel: the panel
// attaches itself at sign-in and detaches at sign-out.
import type { Order } from '../../client/ordersApi.ts'

export interface ComposeSpec {
  /** the point clicked (lon, lat, EPSG:4490) */
  lonLat: [number, number]
  /** the base grid under it, if any (the order may go "into the grid") */
  grid: { code: string; name: string | null } | null
}

export interface OrdersSink {
  /** an order was sent: follow it */
  sent(order: Order): void
  /** the user asked to send a resource to a point: offer the nearest on duty */
  compose(spec: ComposeSpec): void
}

let sink: OrdersSink | null = null

export function attachOrders(s: OrdersSink | null): void {
  sink = s
}

export function orderSent(order: Order): void {
  sink?.sent(order)
}

export function composeOrder(spec: ComposeSpec): void {
  sink?.compose(spec)
}
