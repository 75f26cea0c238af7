// 群体性诉求 (mass) and 新增热点 (new hot spot). Mass: clusters built at chosen distances, the
// recount measures with haversine in JS; new hot spot: the Gi* classes of both windows from the
// hot-spot analysis, the "new" cells and their events recounted in JS with h3-js.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToParent, latLngToCell } from 'h3-js'
import { getTestDb } from '../support/db.ts'
import { runWarningPass } from '../../server/warnings/pass.ts'
import { diskClusters } from '../../server/warnings/mass.ts'
import { hotspots } from '../../server/analytics/hotspots.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { cleanup, haversine, insertEvents, offset, only, pointIn, warningsAt, type WarnEvent } from './support.ts'

const C1 = '990102001001'
const C1B = '990102001002'
const C2 = '990102002001'
const HOUR = 3_600_000
const DAY = 24 * HOUR

describe('warning pass: 群体性诉求 and 新增热点', () => {
  let knex: Knex
  before(async () => {
    knex = await getTestDb()
    await cleanup(knex)
  })
  after(async () => { await cleanup(knex) })

  it('mass: one warning per cluster of ≥ 5 demands within 200 m in 24 h, at its centroid, nowhere else; once', async () => {
    await only(knex, ['mass'])
    const now = new Date('2025-08-20T18:00:00+08:00')
    // laid out around one point, community codes chosen freely: A at 0, B 600 m east, C a line 800 m south, D 600 m north
    const base = await pointIn(knex, C1, 7)
    const a = base, b = offset(base, 600, 0), c = offset(base, -1000, -800), d = offset(base, 0, 600)
    const ev = (community: string, p: { lon: number; lat: number }, hoursAgo: number, classCode = '0101', status = 'reported'): WarnEvent =>
      ({ community, ...p, at: new Date(now.getTime() - hoursAgo * HOUR), classCode, status })
    const events: WarnEvent[] = [
      // A: six demands within 60 m of a, two communities of street 1, mixed classes → a street-level warning
      ...[[0, 0], [40, 0], [0, 40], [-30, -30], [50, 20], [20, -50]].map(([e, n], i) => ev(i < 4 ? C1 : C1B, offset(a, e!, n!), i * 3, i % 2 ? '0501' : '0101')),
      // B: four near b → below five
      ...[[0, 0], [30, 0], [0, 30], [30, 30]].map(([e, n]) => ev(C2, offset(b, e!, n!), 2)),
      // C: six in a line 400 m apart → none within 200 m of another
      ...[0, 1, 2, 3, 4, 5].map((i) => ev(C1B, offset(c, i * 400, 0), 1)),
      // D: five near d, but one 25 h old and one voided → three in the window
      ...[[0, 0, 1], [20, 0, 2], [0, 20, 3], [20, 20, 25]].map(([e, n, h]) => ev(C2, offset(d, e!, n!), h!)),
      ev(C2, offset(d, -20, 0), 1, '0101', 'voided'),
      // a demand after now, next to b, does not count
      ev(C2, offset(b, 10, 10), -2),
    ]
    const ids = await insertEvents(knex, events)
    // the recount: events in (now − 24 h, now], not voided; cores with ≥ 5 within 200 m (haversine), clusters of cores
    const inWindow = events.map((e, i) => ({ ...e, id: ids[i]! }))
      .filter((e) => e.status !== 'voided' && e.at <= now && now.getTime() - e.at.getTime() < DAY)
    const near = (x: typeof inWindow[number]) => inWindow.filter((y) => haversine(x, y) <= 200)
    const cores = inWindow.filter((x) => near(x).length >= 5)
    const members = new Set(cores.flatMap((x) => near(x).map((y) => y.id)))
    expect(members.size).to.equal(6)
    const runs = await Promise.all([runWarningPass(knex, now, { ignoreSchedule: true }), runWarningPass(knex, now, { ignoreSchedule: true })])
    expect(runs[0]!.mass + runs[1]!.mass).to.equal(1)
    const got = await warningsAt(knex, 'mass', now)
    expect(got).to.have.length(1)
    const w = got[0]!
    expect([...w.event_ids].sort()).to.deep.equal([...members].sort())
    const m = inWindow.filter((x) => members.has(x.id))
    const first = [...m].sort((x, y) => x.at.getTime() - y.at.getTime() || x.id - y.id)[0]!
    expect(w.dedupe_key).to.equal(`first:${first.id}`)
    expect(w.area_code).to.equal('990102001000')
    expect(w.lon).to.be.closeTo(m.reduce((s, x) => s + x.lon, 0) / m.length, 1e-9)
    expect(w.lat).to.be.closeTo(m.reduce((s, x) => s + x.lat, 0) / m.length, 1e-9)
    expect(w.level).to.equal(3)
    // an hour later the cluster grows by two: still the same gathering, nothing new
    await insertEvents(knex, [ev(C1, offset(a, 10, 10), -0.5), ev(C1, offset(a, -10, 10), -0.5)])
    expect((await runWarningPass(knex, new Date(now.getTime() + HOUR), { ignoreSchedule: true })).mass).to.equal(0)
    // grouped by small class, the mixed cluster falls apart: five 0101 (three plus the two new) and three 0501
    await knex('warning').where({ kind: 'mass' }).delete()
    await only(knex, ['mass'], { mass: { group: 'class' } })
    const byClass = await runWarningPass(knex, new Date(now.getTime() + HOUR), { ignoreSchedule: true })
    expect(byClass.mass).to.equal(1)
    const [wc] = await warningsAt(knex, 'mass', new Date(now.getTime() + HOUR))
    expect(wc!.detail.classCodes).to.deep.equal(['0101'])
    expect(wc!.event_ids).to.have.length(5)
  })

  it('mass clusters are disks around the busiest events: a dense line does not chain into one cluster', () => {
    // 20 events 50 m apart on a line: each sees ±4 within 200 m; DBSCAN would make one 950 m cluster
    const pts = Array.from({ length: 20 }, (_, i) => offset({ lon: 116, lat: 36.46 }, i * 50, 0))
    const pairs: [number, number][] = []
    for (let i = 0; i < 20; i++) for (let j = i + 1; j < 20; j++) if (haversine(pts[i]!, pts[j]!) <= 200.5) pairs.push([i, j])
    const clusters = diskClusters(20, pairs, 5).map((c) => [...c].sort((a, b) => a - b))
    expect(clusters).to.deep.equal([[0, 1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16, 17]])
    for (const c of clusters) expect(haversine(pts[c[0]!]!, pts[c[c.length - 1]!]!)).to.be.at.most(400.5)
  })

  it('new hot spot: exactly the cells hot at 95 % now and not hot before, one per cell and day', async () => {
    await only(knex, ['new_hotspot'], { new_hotspot: { resolution: 9 } })
    const now = new Date('2025-11-20T12:00:00+08:00')
    const res = 9
    const events: WarnEvent[] = []
    // both windows: one demand in each of the ten communities; now: 40 more near one point of C2
    const { rows: communities } = await knex.raw("SELECT code FROM admin_division WHERE level = 'community' ORDER BY code") as { rows: { code: string }[] }
    for (const [i, { code }] of communities.entries()) {
      const p = await pointIn(knex, code, 20 + i)
      events.push({ community: code, ...p, at: new Date(now.getTime() - 3 * DAY) }, { community: code, ...p, at: new Date(now.getTime() - 10 * DAY) })
    }
    const hot = await pointIn(knex, C2, 31)
    for (let k = 0; k < 40; k++) events.push({ community: C2, ...offset(hot, (k % 7) * 15, Math.floor(k / 7) * 15), at: new Date(now.getTime() - (1 + (k % 5)) * DAY) })
    const ids = await insertEvents(knex, events)
    const r = await runWarningPass(knex, now, { ignoreSchedule: true })
    // the reference: Gi* classes of both windows from the hot-spot analysis; "new" and the events per cell recounted here
    const scope = Jurisdiction.of(['990100000000'])
    const o = { resolution: res, k: 1, permutations: 0, seed: 1 }
    const cur = await hotspots(knex, scope, { from: new Date(now.getTime() - 7 * DAY), to: now }, o)
    const prev = await hotspots(knex, scope, { from: new Date(now.getTime() - 14 * DAY), to: new Date(now.getTime() - 7 * DAY) }, o)
    const before = new Map(prev.features.map((f) => [f.id, f.properties.bin]))
    const cellOf = (e: WarnEvent) => cellToParent(latLngToCell(e.lat, e.lon, 12), res)
    const current = events.map((e, i) => ({ ...e, id: ids[i]! })).filter((e) => e.at >= new Date(now.getTime() - 7 * DAY) && e.at < now)
    const expected = cur.features.filter((f) => f.properties.bin >= 2 && (before.get(f.id) ?? 0) <= 0)
      .map((f) => f.id).filter((c) => current.some((e) => cellOf(e) === c)).sort()
    expect(expected.length).to.be.at.least(1)
    expect(expected).to.include(cellOf({ ...hot, community: C2, at: now }))
    expect(r.new_hotspot).to.equal(expected.length)
    const got = await warningsAt(knex, 'new_hotspot', now)
    expect(got.map((w) => w.detail.h3).sort()).to.deep.equal(expected)
    for (const w of got) {
      const mine = current.filter((e) => cellOf(e) === w.detail.h3)
      expect([...w.event_ids].sort()).to.deep.equal(mine.map((e) => e.id).sort())
      const cs = [...new Set(mine.map((e) => e.community))]
      expect(w.area_code).to.equal(cs.length === 1 ? cs[0] : w.area_code.slice(0, 9) + '000')
    }
    expect((await runWarningPass(knex, new Date(now.getTime() + HOUR), { ignoreSchedule: true })).new_hotspot).to.equal(0)
  })
})
