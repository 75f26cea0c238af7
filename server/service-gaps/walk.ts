// Walking reach along the road network, in Node: the embedded PGlite has no pgRouting, and the
// same code must answer on both engines. The network is the road centre lines noded where they
// cross (sql/queries/service-gaps/edges.sql), one edge per straight segment. A point (a facility,
// a house) joins the network at the nearest point of the nearest segment; the walk from a facility
// to a house is the straight access leg from the facility to its road, along the roads, and the
// access leg to the house. Reach from every facility of a kind at once is one multi-source
// Dijkstra (flatqueue as the priority queue) with the facilities as sources seeded on their edge's
// two ends, cut off at the reach limit. Segments are indexed with flatbush for the snapping.
import Flatbush from 'flatbush'
import FlatQueue from 'flatqueue'

/** A straight road segment: its ends (lon, lat) and its geodesic length in metres. */
export interface Segment { ax: number; ay: number; bx: number; by: number; length: number }
/** Where a point joins the network: edge, fraction along it from its first node, access leg (m). */
export interface Snap { edge: number; t: number; access: number }

const M_PER_DEG = 111_320
/** Ends closer than this (metres) are one node: the ends of two pieces cut at a boundary. */
const NODE_TOLERANCE = 0.05

export class WalkNetwork {
  readonly nodeCount: number
  readonly from: Int32Array
  readonly to: Int32Array
  readonly length: Float64Array
  private readonly kx: number
  private readonly x: Float64Array
  private readonly y: Float64Array
  private readonly adjStart: Int32Array
  private readonly adjEdge: Int32Array
  private readonly index: Flatbush | null
  private scratch: Float64Array | undefined

  constructor(segments: Segment[], midLat: number) {
    this.kx = M_PER_DEG * Math.cos(midLat * Math.PI / 180)
    const xs: number[] = [], ys: number[] = []
    const cells = new Map<string, number[]>()
    const node = (lon: number, lat: number): number => {
      const x = lon * this.kx, y = lat * M_PER_DEG
      const cx = Math.floor(x / NODE_TOLERANCE), cy = Math.floor(y / NODE_TOLERANCE)
      for (let i = -1; i <= 1; i++) {
        for (let j = -1; j <= 1; j++) {
          for (const n of cells.get(`${cx + i},${cy + j}`) ?? []) if (Math.hypot(xs[n]! - x, ys[n]! - y) <= NODE_TOLERANCE) return n
        }
      }
      xs.push(x); ys.push(y)
      const key = `${cx},${cy}`
      cells.set(key, [...cells.get(key) ?? [], xs.length - 1])
      return xs.length - 1
    }
    const kept = segments.map((s) => [node(s.ax, s.ay), node(s.bx, s.by), s.length] as const).filter(([a, b]) => a !== b)
    this.nodeCount = xs.length
    this.x = Float64Array.from(xs)
    this.y = Float64Array.from(ys)
    this.from = Int32Array.from(kept.map((k) => k[0]))
    this.to = Int32Array.from(kept.map((k) => k[1]))
    this.length = Float64Array.from(kept.map((k) => k[2]))
    // adjacency in compressed rows: the edges at node n are adjEdge[adjStart[n] .. adjStart[n + 1])
    this.adjStart = new Int32Array(this.nodeCount + 1)
    for (let e = 0; e < kept.length; e++) { this.adjStart[this.from[e]! + 1]!++; this.adjStart[this.to[e]! + 1]!++ }
    for (let n = 0; n < this.nodeCount; n++) this.adjStart[n + 1]! += this.adjStart[n]!
    this.adjEdge = new Int32Array(2 * kept.length)
    const fill = this.adjStart.slice(0, this.nodeCount)
    for (let e = 0; e < kept.length; e++) { this.adjEdge[fill[this.from[e]!]!++] = e; this.adjEdge[fill[this.to[e]!]!++] = e }
    if (kept.length === 0) { this.index = null; return }
    this.index = new Flatbush(kept.length)
    for (let e = 0; e < kept.length; e++) {
      const a = this.from[e]!, b = this.to[e]!
      this.index.add(Math.min(this.x[a]!, this.x[b]!), Math.min(this.y[a]!, this.y[b]!), Math.max(this.x[a]!, this.x[b]!), Math.max(this.y[a]!, this.y[b]!))
    }
    this.index.finish()
  }

  get edgeCount(): number { return this.from.length }

  /** A point in the network's plane (metres east and north), where straight distances bound walks from below. */
  project(lon: number, lat: number): [number, number] { return [lon * this.kx, lat * M_PER_DEG] }

  /** The nearest point of the network within `maxAccess` metres (straight line), or null. */
  snap(lon: number, lat: number, maxAccess: number): Snap | null {
    if (this.index === null) return null
    const px = lon * this.kx, py = lat * M_PER_DEG
    let best: Snap | null = null
    for (const e of this.index.search(px - maxAccess, py - maxAccess, px + maxAccess, py + maxAccess)) {
      const a = this.from[e]!, b = this.to[e]!
      const dx = this.x[b]! - this.x[a]!, dy = this.y[b]! - this.y[a]!
      const len2 = dx * dx + dy * dy
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - this.x[a]!) * dx + (py - this.y[a]!) * dy) / len2))
      const d = Math.hypot(px - (this.x[a]! + t * dx), py - (this.y[a]! + t * dy))
      if (d <= maxAccess && (best === null || d < best.access)) best = { edge: e, t, access: d }
    }
    return best
  }

  /**
   * Walking distance from one source to each of `targets` (Infinity beyond `limit`): the many
   * single-facility walks of the catchment method (fca.ts). A cut-off Dijkstra on a scratch array
   * that only the nodes it touched are reset in, so a short walk costs what it visits, not the city.
   */
  distancesFrom(source: Snap, limit: number, targets: readonly Snap[]): Float64Array {
    const dist = this.scratch ??= new Float64Array(this.nodeCount).fill(Infinity)
    const touched: number[] = []
    const queue = new FlatQueue<number>()
    const offer = (n: number, d: number) => {
      if (d < dist[n]! && d <= limit) {
        if (dist[n] === Infinity) touched.push(n)
        dist[n] = d; queue.push(n, d)
      }
    }
    offer(this.from[source.edge]!, source.access + source.t * this.length[source.edge]!)
    offer(this.to[source.edge]!, source.access + (1 - source.t) * this.length[source.edge]!)
    this.settle(queue, dist, offer)
    const onEdge = new Map([[source.edge, [source]]])
    const out = Float64Array.from(targets, (p) => distanceAt(this, dist, onEdge, p, limit))
    for (const n of touched) dist[n] = Infinity
    return out
  }

  private settle(queue: FlatQueue<number>, dist: Float64Array, offer: (n: number, d: number) => void): void {
    while (queue.length > 0) {
      const d = queue.peekValue()!
      const n = queue.pop()!
      if (d > dist[n]!) continue // a stale entry: n was reached more cheaply since
      for (let i = this.adjStart[n]!; i < this.adjStart[n + 1]!; i++) {
        const e = this.adjEdge[i]!
        offer(this.from[e] === n ? this.to[e]! : this.from[e]!, d + this.length[e]!)
      }
    }
  }

  /**
   * Walking distance from the nearest of `sources` to every node, up to `limit` metres (Infinity
   * beyond): Dijkstra from all sources at once, each entering at both ends of its edge.
   */
  reach(sources: Snap[], limit: number): Reach {
    const dist = new Float64Array(this.nodeCount).fill(Infinity)
    const queue = new FlatQueue<number>()
    const offer = (n: number, d: number) => {
      if (d < dist[n]! && d <= limit) { dist[n] = d; queue.push(n, d) }
    }
    const onEdge = new Map<number, Snap[]>()
    for (const s of sources) {
      offer(this.from[s.edge]!, s.access + s.t * this.length[s.edge]!)
      offer(this.to[s.edge]!, s.access + (1 - s.t) * this.length[s.edge]!)
      onEdge.set(s.edge, [...onEdge.get(s.edge) ?? [], s])
    }
    this.settle(queue, dist, offer)
    return new Reach(this, dist, onEdge, limit)
  }
}

/** The distances of one reach computation, read at any snapped point. */
export class Reach {
  constructor(private readonly net: WalkNetwork, readonly dist: Float64Array, private readonly onEdge: Map<number, Snap[]>, readonly limit: number) {}

  /** Metres from the nearest source to the snapped point (access leg included), Infinity beyond the limit. */
  distanceTo(p: Snap): number {
    return distanceAt(this.net, this.dist, this.onEdge, p, this.limit)
  }
}

function distanceAt(net: WalkNetwork, dist: Float64Array, onEdge: Map<number, Snap[]>, p: Snap, limit: number): number {
  const len = net.length[p.edge]!
  let d = Math.min(dist[net.from[p.edge]!]! + p.t * len, dist[net.to[p.edge]!]! + (1 - p.t) * len)
  // a source on the same segment is reached along it without passing either end
  for (const s of onEdge.get(p.edge) ?? []) d = Math.min(d, s.access + Math.abs(s.t - p.t) * len)
  d += p.access
  return d <= limit ? d : Infinity
}
