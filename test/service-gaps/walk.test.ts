// The walking reach (server/service-gaps/walk.ts) against hand-computed distances on a small road
// network, and against a brute force on generated ones: there every facility and house is
// inserted as a node splitting its segment (found by scanning every segment), and a plain O(V²)
// Dijkstra runs from each facility in turn, the nearest one kept.
import { expect } from 'chai'
import { WalkNetwork } from '../../server/service-gaps/walk.ts'
import { Rng } from '../../fixtures/random.ts'
import { LAT, at, seg } from './plane.ts'


describe('service gaps: walking reach along the roads', () => {
  // an L of two 100 m roads meeting at (100, 0), and a spur of 50 m north from (50, 0)
  const L = new WalkNetwork([seg(0, 0, 50, 0), seg(50, 0, 100, 0), seg(100, 0, 100, 100), seg(50, 0, 50, 50)], LAT)

  it('adds the access legs and the road between them (hand-computed)', () => {
    expect(L.nodeCount).to.equal(5)
    const shop = L.snap(...at(0, 10), 500)!
    expect(shop.access).to.be.closeTo(10, 1e-6)
    const house = L.snap(...at(105, 80), 500)!
    expect(house.access).to.be.closeTo(5, 1e-6)
    // 10 (to the road) + 100 (east) + 80 (north) + 5 (to the door)
    expect(L.reach([shop], 1000).distanceTo(house)).to.be.closeTo(195, 1e-6)
    // the spur's end: 10 + 50 + 50 + 3 to a house 3 m west of it
    expect(L.reach([shop], 1000).distanceTo(L.snap(...at(47, 50), 500)!)).to.be.closeTo(113, 1e-6)
  })

  it('cuts at the limit, and walks along a shared segment without passing its ends', () => {
    const shop = L.snap(...at(0, 10), 500)!
    const house = L.snap(...at(105, 80), 500)!
    expect(L.reach([shop], 194.9).distanceTo(house)).to.equal(Infinity)
    expect(L.reach([shop], 195.1).distanceTo(house)).to.be.closeTo(195, 1e-6)
    // both on the segment (50,0)-(100,0): 2 + 20 + 4
    const a = L.snap(...at(60, 2), 500)!, b = L.snap(...at(80, -4), 500)!
    expect(a.edge).to.equal(b.edge)
    expect(L.reach([a], 1000).distanceTo(b)).to.be.closeTo(26, 1e-6)
    // the nearest of two facilities
    expect(L.reach([shop, L.snap(...at(100, 120), 500)!], 1000).distanceTo(house)).to.be.closeTo(20 + 20 + 5, 1e-6)
  })

  it('joins ends closer than 5 cm (road pieces cut at a boundary) and leaves a far point unsnapped', () => {
    const net = new WalkNetwork([seg(0, 0, 100, 0), seg(100.01, 0, 200, 0)], LAT)
    expect(net.nodeCount).to.equal(3)
    expect(net.reach([net.snap(...at(0, 0), 10)!], 1000).distanceTo(net.snap(...at(200, 0), 10)!)).to.be.closeTo(200, 0.02)
    expect(net.snap(...at(50, 30), 10)).to.equal(null)
  })

  it('matches a brute-force Dijkstra on generated networks', () => {
    const rng = new Rng(7)
    for (let round = 0; round < 12; round++) {
      // a jittered lattice with some links missing (dead ends, detours, separate pieces)
      const n = 6, step = 120
      const p = (i: number, j: number): [number, number] => [i * step + rng.float(-25, 25), j * step + rng.float(-25, 25)]
      const pts = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => p(i, j)))
      const lines: [number, number, number, number][] = []
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const [x, y] = pts[i]![j]!
          if (i + 1 < n && rng.next() < 0.8) lines.push([x, y, ...pts[i + 1]![j]!])
          if (j + 1 < n && rng.next() < 0.8) lines.push([x, y, ...pts[i]![j + 1]!])
        }
      }
      const net = new WalkNetwork(lines.map(([a, b, c, d]) => seg(a, b, c, d)), LAT)
      const rand = (): [number, number] => [rng.float(-20, n * step), rng.float(-20, n * step)]
      const shops = Array.from({ length: rng.int(1, 4) }, rand)
      const houses = Array.from({ length: 40 }, rand)
      const limit = rng.float(150, 700)
      const maxAccess = 60
      const shopSnaps = shops.map((s) => net.snap(...at(...s), maxAccess)).filter((s) => s !== null)
      const reach = net.reach(shopSnaps, limit)
      const expected = bruteForce(lines, shops, houses, maxAccess, limit)
      houses.forEach((h, k) => {
        const snap = net.snap(...at(...h), maxAccess)
        const got = snap === null ? Infinity : reach.distanceTo(snap)
        if (expected[k] === Infinity) expect(got, `round ${round} house ${k}`).to.equal(Infinity)
        else expect(got, `round ${round} house ${k}`).to.be.closeTo(expected[k]!, 1e-6)
      })
    }
  })
})

/** Distances from the nearest shop to each house, by splitting segments at every snapped point and an O(V²) Dijkstra per shop. */
function bruteForce(lines: [number, number, number, number][], shops: [number, number][], houses: [number, number][], maxAccess: number, limit: number): number[] {
  const nearest = (x: number, y: number) => {
    let best: { line: number; t: number; d: number } | null = null
    lines.forEach(([ax, ay, bx, by], i) => {
      const dx = bx - ax, dy = by - ay
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy)
      if (d <= maxAccess && (best === null || d < best.d)) best = { line: i, t, d }
    })
    return best as { line: number; t: number; d: number } | null
  }
  // nodes: line ends (merged by position) and the snapped points; edges: consecutive stops along each line
  const nodes: [number, number][] = []
  const nodeAt = (x: number, y: number) => {
    const i = nodes.findIndex(([a, b]) => Math.hypot(a - x, b - y) < 1e-9)
    if (i >= 0) return i
    nodes.push([x, y])
    return nodes.length - 1
  }
  const stops = lines.map(() => [] as { t: number; node: number }[])
  const place = (pt: [number, number]) => {
    const s = nearest(...pt)
    if (s === null) return null
    const [ax, ay, bx, by] = lines[s.line]!
    const node = nodes.push([ax + s.t * (bx - ax), ay + s.t * (by - ay)]) - 1
    stops[s.line]!.push({ t: s.t, node })
    return { node, access: s.d }
  }
  const shopNodes = shops.map(place)
  const houseNodes = houses.map(place)
  const adj = new Map<number, [number, number][]>()
  const link = (a: number, b: number, w: number) => {
    adj.set(a, [...adj.get(a) ?? [], [b, w]])
    adj.set(b, [...adj.get(b) ?? [], [a, w]])
  }
  lines.forEach(([ax, ay, bx, by], i) => {
    const len = Math.hypot(bx - ax, by - ay)
    const seq = [{ t: 0, node: nodeAt(ax, ay) }, ...stops[i]!.sort((p, q) => p.t - q.t), { t: 1, node: nodeAt(bx, by) }]
    for (let k = 1; k < seq.length; k++) link(seq[k - 1]!.node, seq[k]!.node, (seq[k]!.t - seq[k - 1]!.t) * len)
  })
  const best = houses.map(() => Infinity)
  for (const s of shopNodes) {
    if (s === null) continue
    const dist = nodes.map(() => Infinity)
    const done = nodes.map(() => false)
    dist[s.node] = s.access
    for (;;) {
      let u = -1
      for (let v = 0; v < nodes.length; v++) if (!done[v] && dist[v]! < Infinity && (u < 0 || dist[v]! < dist[u]!)) u = v
      if (u < 0) break
      done[u] = true
      for (const [v, w] of adj.get(u) ?? []) if (dist[u]! + w < dist[v]!) dist[v] = dist[u]! + w
    }
    houseNodes.forEach((h, k) => {
      if (h !== null) best[k] = Math.min(best[k]!, dist[h.node]! + h.access)
    })
  }
  return best.map((d) => (d <= limit ? d : Infinity))
}
