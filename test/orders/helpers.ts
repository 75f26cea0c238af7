// Shared helpers of the resource-order tests: a member's device placed somewhere, fixes posted
// through the positions API with the device's token (as the field app does), orders sent.
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { memberOf, registerDevice } from '../positions/helpers.ts'

export interface Placed { identifier: string; token: string; memberId: number; community: string }

/** A device bound to the nth member of a community, its live position at (lon, lat) a minute ago. */
export async function placedDevice(client: Client, knex: Knex, command: Record<string, string>, community: string, nth: number, at: [number, number] | null): Promise<Placed> {
  const m = await memberOf(knex, community, nth)
  const d = await registerDevice(client, command, { memberId: m.id, adminCode: community })
  if (at) await fixes(client, d.token, [[at[0], at[1], Date.now() - 60_000]])
  return { ...d, memberId: m.id, community }
}

/** Posts fixes [lon, lat, epoch ms] with the device's token; throws unless all were accepted. */
export async function fixes(client: Client, token: string, list: [number, number, number][]): Promise<void> {
  const res = await client.post('/api/v1/positions', { positions: list.map(([lon, lat, t]) => ({ lon, lat, time: new Date(t).toISOString(), accuracy: 5 })) }, { 'x-device-token': token })
  const body = res.json() as { accepted: number; results: unknown[] }
  if (res.statusCode !== 200 || body.accepted !== list.length) throw new Error(`fixes: ${res.statusCode} ${res.body}`)
}

export interface OrderJson {
  id: number; status: string; open: boolean; communityCode: string; eventNumber: string | null; note: string | null
  target: { type: 'point' | 'grid'; coordinates: [number, number]; radiusM?: number; gridCode?: string }
  resource: { device: { identifier: string }; member: { id: number; name: string } | null }
  sentAt: string; deadline: string; enRouteAt: string | null; arrivedAt: string | null; closedAt: string | null
  arrival: { lon: number; lat: number; distanceM: number } | null
  startDistanceM: number | null; distanceLeftM: number | null; etaS: number | null
  live: { coordinates: [number, number] } | null
  track?: { coordinates: [number, number][]; times: string[]; truncated: boolean }
}

/** Sends an order as `auth`; returns the response. */
export function sendOrder(client: Client, auth: Record<string, string>, body: Record<string, unknown>) {
  return client.post('/api/v1/resource-orders', body, auth)
}

export async function readOrder(client: Client, auth: Record<string, string>, id: number): Promise<OrderJson> {
  const res = await client.get(`/api/v1/resource-orders/${id}`, auth)
  if (res.statusCode !== 200) throw new Error(`read order ${id}: ${res.statusCode} ${res.body}`)
  return res.json()
}
