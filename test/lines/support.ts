// Independent references for the lines tests: lengths as haversine sums and point-to-line
// distances in a local equirectangular plane (not PostGIS, not the code under test), the demo
// rows loaded once per run, and the demo users signed in.
import type { Knex } from 'knex'
import { loginAs, type Client } from '../support/http.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { loadDemoLines } from '../../fixtures/registers/lines.ts'

export const R = 6_371_008.8
const rad = (d: number) => (d * Math.PI) / 180

export function haversine(a: [number, number], b: [number, number]): number {
  const dLat = rad(b[1] - a[1])
  const dLon = rad(b[0] - a[0])
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}

export function haversineLength(parts: [number, number][][]): number {
  let sum = 0
  for (const part of parts) for (let i = 1; i < part.length; i++) sum += haversine(part[i - 1]!, part[i]!)
  return sum
}

/** Distance in metres from a point to a polyline set, in the plane tangent at the point. */
export function distanceToLine(p: [number, number], parts: [number, number][][]): number {
  const kx = R * rad(1) * Math.cos(rad(p[1]))
  const ky = R * rad(1)
  let best = Infinity
  for (const part of parts) {
    for (let i = 1; i < part.length; i++) {
      const [ax, ay] = [(part[i - 1]![0] - p[0]) * kx, (part[i - 1]![1] - p[1]) * ky]
      const [bx, by] = [(part[i]![0] - p[0]) * kx, (part[i]![1] - p[1]) * ky]
      const dx = bx - ax
      const dy = by - ay
      const t = dx === 0 && dy === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy))
    }
  }
  return best
}

let loaded: Promise<Record<string, number>> | undefined

/** The demo lines and vehicles, once per run (a second call finds them loaded). */
export function demoLoaded(knex: Knex): Promise<Record<string, number>> {
  loaded ??= loadDemoLines(knex, { scale: 'small', seed: 20261123, cityCode: '990100' })
  return loaded
}

export const USERS = ['command', 'district', 'street1', 'street2', 'community', 'inspector', 'department', 'analyst'] as const

export async function signIn(client: Client): Promise<Record<string, Record<string, string>>> {
  const auth: Record<string, Record<string, string>> = {}
  for (const u of USERS) auth[u] = await loginAs(client, u)
  auth.system = { 'x-api-key': DEMO_API_KEY }
  return auth
}

/** Two road pieces of the demo city lying in different communities of one street, longest first in each. */
export async function roadPieces(knex: Knex, community: string): Promise<{ coords: [number, number][][]; community: string }[]> {
  const { rows } = await knex.raw(`SELECT community_code, ST_AsGeoJSON(geom) AS g FROM road WHERE community_code = ?
    ORDER BY ST_Length(geom::geography) DESC LIMIT 3`, [community]) as { rows: { community_code: string; g: string }[] }
  return rows.map((r) => ({ community: r.community_code, coords: (JSON.parse(r.g) as { coordinates: [number, number][][] }).coordinates }))
}
