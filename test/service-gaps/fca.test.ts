// Capacity against the people within a walk of it (2SFCA, server/service-gaps/fca.ts): a case
// computed by hand, then generated networks against a brute force written differently: every
// facility and house inserted as a node splitting its segment (found by scanning every segment),
// all-pairs walks by Floyd–Warshall, and both steps of the method as plain double loops.
import { expect } from 'chai'
import { WalkNetwork } from '../../server/service-gaps/walk.ts'
import { twoStepFca, type FcaFacility, type FcaPoint } from '../../server/service-gaps/fca.ts'
import { Rng } from '../../fixtures/random.ts'
import { LAT, at, seg } from './plane.ts'


describe('service gaps: capacity within reach (2SFCA)', () => {
  it('divides each capacity among the people within its reach and sums the shares at each home (hand-computed)', () => {
    // a road east from (0,0) to (1000,0), a spur north at 900 and back west to (600,300)
    const net = new WalkNetwork([seg(0, 0, 600, 0), seg(600, 0, 900, 0), seg(900, 0, 1000, 0), seg(900, 0, 900, 300), seg(900, 300, 600, 300)], LAT)
    const site = (x: number, y: number) => { const [lon, lat] = at(x, y); return { lon, lat, snap: net.snap(lon, lat, 50) } }
    const facilities: FcaFacility[] = [{ ...site(0, 0), capacity: 10 }, { ...site(600, 0), capacity: 30 }, { ...site(1000, 0), capacity: null }]
    const points: FcaPoint[] = [
      { ...site(100, 0), demand: 100 }, { ...site(400, 0), demand: 200 }, { ...site(900, 0), demand: 50 },
      // 300 m from the second facility as the crow flies, 900 m on foot: outside every catchment
      { ...site(600, 300), demand: 70 },
    ]
    const r = twoStepFca(net, facilities, points, 450)
    // first: the homes at 100 and 400 m (300 people); second: those at 200 and 300 m (250); the third has no capacity
    expect(r.catchment).to.deep.equal([300, 250, 50])
    expect(r.ratio[0]).to.be.closeTo(10 / 300, 1e-12)
    expect(r.ratio[1]).to.be.closeTo(30 / 250, 1e-12)
    expect(r.ratio[2]).to.equal(null)
    const expected = [10 / 300, 10 / 300 + 30 / 250, 30 / 250, 0]
    points.forEach((_, i) => expect(r.access[i], `home ${i}`).to.be.closeTo(expected[i]!, 1e-12))
    // every person served counts once per catchment: the capacity reached is what the facilities hold
    const reached = points.reduce((s, p, i) => s + p.demand * r.access[i]!, 0)
    expect(reached).to.be.closeTo(10 + 30, 1e-9)
  })

  it('matches a brute-force 2SFCA on generated networks', () => {
    const rng = new Rng(11)
    for (let round = 0; round < 10; round++) {
      const n = 6, step = 120
      const grid = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => [i * step + rng.float(-25, 25), j * step + rng.float(-25, 25)] as [number, number]))
      const lines: [number, number, number, number][] = []
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const [x, y] = grid[i]![j]!
          if (i + 1 < n && rng.next() < 0.8) lines.push([x, y, ...grid[i + 1]![j]!])
          if (j + 1 < n && rng.next() < 0.8) lines.push([x, y, ...grid[i]![j + 1]!])
        }
      }
      const net = new WalkNetwork(lines.map(([a, b, c, d]) => seg(a, b, c, d)), LAT)
      const rand = (): [number, number] => [rng.float(-20, n * step), rng.float(-20, n * step)]
      const maxAccess = 60
      const shops = Array.from({ length: rng.int(2, 6) }, () => ({ xy: rand(), capacity: rng.next() < 0.2 ? null : rng.int(1, 200) }))
      const homes = Array.from({ length: 50 }, () => ({ xy: rand(), demand: rng.int(0, 40) }))
      const reach = rng.float(150, 600)
      const toSite = (xy: [number, number]) => { const [lon, lat] = at(...xy); return { lon, lat, snap: net.snap(lon, lat, maxAccess) } }
      const got = twoStepFca(net, shops.map((s) => ({ ...toSite(s.xy), capacity: s.capacity })), homes.map((h) => ({ ...toSite(h.xy), demand: h.demand })), reach)
      const want = bruteFca(lines, shops, homes, maxAccess, reach)
      shops.forEach((_, j) => {
        expect(got.catchment[j], `round ${round} shop ${j}`).to.equal(want.catchment[j])
        if (want.ratio[j] === null) expect(got.ratio[j]).to.equal(null)
        else expect(got.ratio[j], `round ${round} shop ${j}`).to.be.closeTo(want.ratio[j]!, 1e-12)
      })
      homes.forEach((_, i) => expect(got.access[i], `round ${round} home ${i}`).to.be.closeTo(want.access[i]!, 1e-12))
      expect(want.access.some((a) => a > 0), `round ${round}: some home reaches capacity`).to.equal(true)
    }
  })
})

function bruteFca(lines: [number, number, number, number][], shops: { xy: [number, number]; capacity: number | null }[],
  homes: { xy: [number, number]; demand: number }[], maxAccess: number, reach: number) {
  const nodes: [number, number][] = []
  const nodeAt = (x: number, y: number) => {
    const i = nodes.findIndex(([a, b]) => Math.hypot(a - x, b - y) < 1e-9)
    return i >= 0 ? i : nodes.push([x, y]) - 1
  }
  const stops = lines.map(() => [] as { t: number; node: number }[])
  const place = ([x, y]: [number, number]) => {
    let best: { line: number; t: number; d: number } | null = null
    lines.forEach(([ax, ay, bx, by], i) => {
      const dx = bx - ax, dy = by - ay
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
      const d = Math.hypot(x - ax - t * dx, y - ay - t * dy)
      if (d <= maxAccess && (best === null || d < best.d)) best = { line: i, t, d }
    })
    if (best === null) return null
    const b = best as { line: number; t: number; d: number }
    const [ax, ay, bx, by] = lines[b.line]!
    const node = nodes.push([ax + b.t * (bx - ax), ay + b.t * (by - ay)]) - 1
    stops[b.line]!.push({ t: b.t, node })
    return { node, access: b.d }
  }
  const shopAt = shops.map((s) => place(s.xy)), homeAt = homes.map((h) => place(h.xy))
  lines.forEach(([ax, ay, bx, by], i) => { stops[i]!.push({ t: 0, node: nodeAt(ax, ay) }, { t: 1, node: nodeAt(bx, by) }) })
  const V = nodes.length
  const d = Array.from({ length: V }, (_, i) => Array.from({ length: V }, (_, j) => (i === j ? 0 : Infinity)))
  lines.forEach(([ax, ay, bx, by], i) => {
    const len = Math.hypot(bx - ax, by - ay)
    const seq = stops[i]!.sort((p, q) => p.t - q.t)
    for (let k = 1; k < seq.length; k++) {
      const a = seq[k - 1]!.node, b = seq[k]!.node, w = (seq[k]!.t - seq[k - 1]!.t) * len
      if (w < d[a]![b]!) { d[a]![b] = w; d[b]![a] = w }
    }
  })
  for (let k = 0; k < V; k++) for (let i = 0; i < V; i++) for (let j = 0; j < V; j++) if (d[i]![k]! + d[k]![j]! < d[i]![j]!) d[i]![j] = d[i]![k]! + d[k]![j]!
  const walk = (s: { node: number; access: number } | null, h: { node: number; access: number } | null) =>
    (s === null || h === null ? Infinity : s.access + d[s.node]![h.node]! + h.access)
  const catchment = shops.map((_, j) => homes.reduce((sum, h, i) => sum + (h.demand > 0 && walk(shopAt[j]!, homeAt[i]!) <= reach ? h.demand : 0), 0))
  const ratio = shops.map((s, j) => (s.capacity === null || catchment[j] === 0 ? null : s.capacity / catchment[j]!))
  const access = homes.map((h, i) => (h.demand > 0 ? shops.reduce((sum, _, j) => sum + (ratio[j] !== null && walk(shopAt[j]!, homeAt[i]!) <= reach ? ratio[j]! : 0), 0) : 0))
  return { catchment, ratio, access }
}
