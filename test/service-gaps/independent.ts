// The walks of the service-gap tests computed independently of server/service-gaps/walk.ts: the
// road lines as PostGIS nodes them, lengths by haversine, each point placed on the nearest
// polyline by scanning all of them, and a plain O(V²) Dijkstra per facility.
const R = 6_371_008.8
const rad = (d: number) => d * Math.PI / 180
export const haversine = (a: number[], b: number[]) => {
  const h = Math.sin(rad(b[1]! - a[1]!) / 2) ** 2 + Math.cos(rad(a[1]!)) * Math.cos(rad(b[1]!)) * Math.sin(rad(b[0]! - a[0]!) / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}

export interface Placed { e: number; along: number; off: number }

/**
 * The network of `polylines`: `place` a point on it, and the walks (m) from one placed facility to
 * placed homes, cut at `limit`. `lengths` (per polyline, e.g. PostGIS's on the spheroid) rescale
 * the haversine lengths, so a test can compare walks to centimetres instead of metres.
 */
export function independentNetwork(polylines: number[][][], lengths?: number[]) {
  // ends within 10 cm are one node (the pieces of a road cut at a boundary), found by scanning them all
  const nodes: number[][] = []
  const id = (p: number[]) => {
    const i = nodes.findIndex((q) => haversine(p, q) < 0.1)
    return i >= 0 ? i : nodes.push(p) - 1
  }
  const edges = polylines.map((line, li) => {
    let cum = [0]
    for (let i = 1; i < line.length; i++) cum.push(cum[i - 1]! + haversine(line[i - 1]!, line[i]!))
    const scale = lengths && cum.at(-1)! > 0 ? lengths[li]! / cum.at(-1)! : 1
    cum = cum.map((c) => c * scale)
    return { line, cum, a: id(line[0]!), b: id(line[line.length - 1]!), len: cum[cum.length - 1]! }
  })
  /** the nearest point of any polyline: which, how far along it, and how far off it */
  const place = (p: number[]): Placed => {
    let best = { e: -1, along: 0, off: Infinity }
    edges.forEach((e, ei) => {
      for (let i = 1; i < e.line.length; i++) {
        const a = e.line[i - 1]!, b = e.line[i]!
        const k = Math.cos(rad(p[1]!))
        const dx = (b[0]! - a[0]!) * k, dy = b[1]! - a[1]!
        const t = Math.max(0, Math.min(1, (((p[0]! - a[0]!) * k) * dx + (p[1]! - a[1]!) * dy) / (dx * dx + dy * dy || 1)))
        const q = [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)]
        const off = haversine(p, q)
        const piece = e.cum[i]! - e.cum[i - 1]!
        if (off < best.off) best = { e: ei, along: e.cum[i - 1]! + (piece > 0 ? haversine(a, q) / haversine(a, b) * piece : 0), off }
      }
    })
    return best
  }
  const n = nodes.length
  const adj: [number, number][][] = Array.from({ length: n }, () => [])
  for (const e of edges) { adj[e.a]!.push([e.b, e.len]); adj[e.b]!.push([e.a, e.len]) }
  const walks = (s: Placed, homes: Placed[], limit: number): number[] => {
    if (s.off > limit) return homes.map(() => Infinity)
    const e = edges[s.e]!
    const dist = new Array<number>(n).fill(Infinity)
    const done = new Array<boolean>(n).fill(false)
    dist[e.a] = Math.min(dist[e.a]!, s.off + s.along)
    dist[e.b] = Math.min(dist[e.b]!, s.off + e.len - s.along)
    for (;;) {
      let u = -1
      for (let v = 0; v < n; v++) if (!done[v] && dist[v]! < Infinity && (u < 0 || dist[v]! < dist[u]!)) u = v
      if (u < 0 || dist[u]! > limit + 10) break
      done[u] = true
      for (const [v, w] of adj[u]!) if (dist[u]! + w < dist[v]!) dist[v] = dist[u]! + w
    }
    return homes.map((h) => {
      const he = edges[h.e]!
      let d = Math.min(dist[he.a]! + h.along, dist[he.b]! + he.len - h.along)
      if (h.e === s.e) d = Math.min(d, s.off + Math.abs(h.along - s.along))
      return d + h.off
    })
  }
  return { place, walks }
}

/** Distances (m) from the nearest shop to each home. */
export function independentWalker(polylines: number[][][], limit: number) {
  const net = independentNetwork(polylines)
  return (shops: number[][], homes: number[][]): number[] => {
    const at = homes.map(net.place)
    const best = homes.map(() => Infinity)
    for (const s of shops.map(net.place)) net.walks(s, at, limit).forEach((d, k) => { best[k] = Math.min(best[k]!, d) })
    return best
  }
}
