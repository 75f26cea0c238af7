// Capacity weighed against the people who can walk to it: the two-step floating catchment area
// method (2SFCA, Luo & Wang 2003) on the walking network (walk.ts). Step 1: each facility's ratio
// is its capacity over the demand (people served) living within reach of it. Step 2: each
// residential point's accessibility is the sum of the ratios of the facilities within its reach.
// A person near two facilities counts in both catchments, and a facility nobody reaches, or whose
// capacity is unknown, adds nothing. Candidates are found by straight distance first: a walk is
// never shorter than the straight line between its ends.
import Flatbush from 'flatbush'
import type { Snap, WalkNetwork } from './walk.ts'

export interface FcaSite { lon: number; lat: number; snap: Snap | null }
export interface FcaFacility extends FcaSite { capacity: number | null }
export interface FcaPoint extends FcaSite { demand: number }
export interface FcaResult {
  /** per facility: capacity ÷ demand within reach; null without capacity or without anyone in reach */
  ratio: (number | null)[]
  /** per facility: the demand within reach (its catchment) */
  catchment: number[]
  /** per point: the sum of the ratios of the facilities within reach (capacity per person served) */
  access: Float64Array
}

/** Projected lengths and the geodesic road lengths differ by well under this share over a city. */
const PLANE_SLACK = 1.01

export function twoStepFca(net: WalkNetwork, facilities: readonly FcaFacility[], points: readonly FcaPoint[], reach: number): FcaResult {
  const access = new Float64Array(points.length)
  const ratio: (number | null)[] = facilities.map(() => null)
  const catchment = facilities.map(() => 0)
  const placed = points.map((p, i) => ({ i, p, xy: net.project(p.lon, p.lat) })).filter((q) => q.p.snap !== null && q.p.demand > 0)
  if (placed.length === 0) return { ratio, catchment, access }
  const index = new Flatbush(placed.length)
  for (const q of placed) index.add(q.xy[0], q.xy[1], q.xy[0], q.xy[1])
  index.finish()
  const radius = reach * PLANE_SLACK + 1
  facilities.forEach((f, j) => {
    if (f.snap === null) return
    const [x, y] = net.project(f.lon, f.lat)
    const near = index.search(x - radius, y - radius, x + radius, y + radius).map((k) => placed[k]!)
    const d = net.distancesFrom(f.snap, reach, near.map((q) => q.p.snap!))
    const within = near.filter((_, k) => Number.isFinite(d[k]!))
    catchment[j] = within.reduce((s, q) => s + q.p.demand, 0)
    if (f.capacity === null || catchment[j] === 0) return
    const r = f.capacity / catchment[j]!
    ratio[j] = r
    for (const q of within) access[q.i] = access[q.i]! + r
  })
  return { ratio, catchment, access }
}
