// The trajectory arithmetic (server/positions/trajectory.ts) against independent references:
// distances and kilometres against PostGIS geography, simplification error measured by PostGIS
// on the dropped fixes, stops against a brute-force characterisation of stay points.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import {
  GAP_MS, STOP_MIN_MS, STOP_RADIUS_M, findGaps, findStops, geodesicMetres, pathMetres, simplifyIndices, speeds, splitPieces,
  type TrackFix,
} from '../../server/positions/trajectory.ts'
import { offset, random, walkDay } from './trajectory-fixtures.ts'

const LON = 116.0, LAT = 36.45
const T0 = Date.parse('2026-11-20T08:00:00+08:00')

/** PostGIS geography length of the line through the fixes, in metres. */
async function postgisLength(knex: Knex, fixes: readonly { lon: number; lat: number }[]): Promise<number> {
  const { rows } = await knex.raw(`SELECT ST_Length(ST_MakeLine(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490) ORDER BY p.i)::geography) AS m
    FROM jsonb_to_recordset(?::jsonb) AS p(i int, lon float8, lat float8)`, [JSON.stringify(fixes.map((f, i) => ({ i, lon: f.lon, lat: f.lat })))])
  return Number(rows[0].m)
}

/** Independent metric for the stop check: a local tangent plane on the GRS80 radii at the pair's mean latitude. */
function planeMetres(a: TrackFix, b: TrackFix): number {
  const e2 = 0.00669438002290, A = 6378137, rad = Math.PI / 180
  const phi = ((a.lat + b.lat) / 2) * rad
  const w = 1 - e2 * Math.sin(phi) ** 2
  const N = A / Math.sqrt(w), M = (A * (1 - e2)) / w ** 1.5
  return Math.hypot((b.lon - a.lon) * rad * N * Math.cos(phi), (b.lat - a.lat) * rad * M)
}

describe('trajectory arithmetic', function () {
  this.timeout(60_000)
  let knex: Knex
  before(async () => { knex = await getTestDb() })

  it('measures geodesic distances as PostGIS geography does (≤ 1 mm + 1e-7)', async () => {
    const rnd = random(7)
    const pairs = Array.from({ length: 300 }, (_, i) => {
      const far = i % 3 === 0 ? 50_000 : i % 3 === 1 ? 500 : 5
      const [lon2, lat2] = offset(LON, LAT, (rnd() - 0.5) * far, (rnd() - 0.5) * far)
      return { lon1: LON + (rnd() - 0.5) * 0.1, lat1: LAT + (rnd() - 0.5) * 0.1, lon2, lat2 }
    })
    const { rows } = await knex.raw(`SELECT ST_Distance(ST_SetSRID(ST_MakePoint(p.lon1, p.lat1), 4490)::geography,
        ST_SetSRID(ST_MakePoint(p.lon2, p.lat2), 4490)::geography) AS m
      FROM jsonb_to_recordset(?::jsonb) AS p(i int, lon1 float8, lat1 float8, lon2 float8, lat2 float8) ORDER BY p.i`, [JSON.stringify(pairs.map((p, i) => ({ i, ...p })))])
    pairs.forEach((p, i) => {
      const ours = geodesicMetres(p.lon1, p.lat1, p.lon2, p.lat2)
      expect(Math.abs(ours - Number(rows[i].m)), `pair ${i}`).to.be.below(0.001 + 1e-7 * ours)
    })
    expect(geodesicMetres(LON, LAT, LON, LAT)).to.equal(0)
  })

  it('sums kilometres as ST_Length(ST_MakeLine(…)::geography) on the same fixes', async () => {
    for (const seed of [1, 2, 3]) {
      const fixes = walkDay(seed, LON, LAT, T0)
      const ref = await postgisLength(knex, fixes)
      expect(ref).to.be.above(1000)
      expect(Math.abs(pathMetres(fixes) - ref), `seed ${seed}`).to.be.below(1e-6 * ref + 0.01)
    }
  })

  it('simplifies within the tolerance: every dropped fix lies within it of the simplified line (PostGIS geography)', async () => {
    for (const seed of [4, 5, 6]) {
      const fixes = walkDay(seed, LON, LAT, T0)
      let previous = Infinity
      for (const tol of [1, 5, 20, 100]) {
        const kept = simplifyIndices(fixes, tol)
        expect(kept[0]).to.equal(0)
        expect(kept[kept.length - 1]).to.equal(fixes.length - 1)
        expect(kept).to.deep.equal([...kept].sort((a, b) => a - b))
        expect(kept.length).to.be.at.most(previous)
        previous = kept.length
        const keptSet = new Set(kept)
        const dropped = fixes.filter((_, i) => !keptSet.has(i))
        const { rows } = await knex.raw(`WITH line AS (
            SELECT ST_MakeLine(ST_SetSRID(ST_MakePoint(k.lon, k.lat), 4490) ORDER BY k.i)::geography AS g
            FROM jsonb_to_recordset(?::jsonb) AS k(i int, lon float8, lat float8))
          SELECT coalesce(max(ST_Distance(ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4490)::geography, line.g)), 0) AS worst
          FROM jsonb_to_recordset(?::jsonb) AS d(lon float8, lat float8), line`,
        [JSON.stringify(kept.map((i) => ({ i, lon: fixes[i]!.lon, lat: fixes[i]!.lat }))), JSON.stringify(dropped.map((f) => ({ lon: f.lon, lat: f.lat })))])
        // the local plane's scale error is < 0.2 % across a city
        expect(Number(rows[0].worst), `seed ${seed}, tolerance ${tol} m`).to.be.at.most(tol * 1.002 + 0.01)
      }
      expect(previous).to.be.below(fixes.length / 5)
    }
  })

  it('keeps every fix at tolerance 0 and handles one or two fixes', () => {
    const fixes = walkDay(9, LON, LAT, T0).slice(0, 50)
    expect(simplifyIndices(fixes, 0)).to.have.length(50)
    expect(simplifyIndices(fixes.slice(0, 1), 10)).to.deep.equal([0])
    expect(simplifyIndices(fixes.slice(0, 2), 10)).to.deep.equal([0, 1])
    // a long straight walk: no stack overflow, two vertices
    const straight = Array.from({ length: 100_000 }, (_, i) => ({ lon: LON + i * 1e-6, lat: LAT }))
    expect(simplifyIndices(straight, 1)).to.deep.equal([0, 99_999])
  })

  it('finds the stops a brute-force characterisation of stay points demands', () => {
    const plans = [undefined, ...Array.from({ length: 12 }, (_, s) => {
      const rnd = random(100 + s)
      return Array.from({ length: 14 }, () => ({ kind: rnd() < 0.5 ? 'walk' as const : 'stay' as const, minutes: 1 + Math.floor(rnd() * 6) }))
    })]
    let total = 0
    plans.forEach((plan, p) => {
      const fixes = walkDay(200 + p, LON, LAT, T0, plan)
      const stops = findStops(fixes)
      total += stops.length
      // the run from fix i: the fixes after it that are all within the radius of it
      const runEnd = (i: number) => { let j = i + 1; while (j < fixes.length && planeMetres(fixes[i]!, fixes[j]!) <= STOP_RADIUS_M) j++; return j }
      const inStop = new Uint8Array(fixes.length)
      let lastTo = 0
      for (const s of stops) {
        expect(s.from, `plan ${p}: stops in order and disjoint`).to.be.at.least(lastTo)
        lastTo = s.to
        expect(runEnd(s.from), `plan ${p}: a stop ends where its run ends`).to.equal(s.to)
        expect(s.end - s.start).to.be.at.least(STOP_MIN_MS)
        expect(s.start).to.equal(fixes[s.from]!.t)
        expect(s.end).to.equal(fixes[s.to - 1]!.t)
        expect(s.fixes).to.equal(s.to - s.from)
        const lon = fixes.slice(s.from, s.to).reduce((a, f) => a + f.lon, 0) / s.fixes
        expect(s.lon).to.be.closeTo(lon, 1e-9)
        for (let k = s.from; k < s.to; k++) inStop[k] = 1
      }
      // every fix outside the stops starts a run too short to be one
      for (let i = 0; i < fixes.length; i++) {
        if (!inStop[i]) expect(fixes[runEnd(i) - 1]!.t - fixes[i]!.t, `plan ${p}, fix ${i}`).to.be.below(STOP_MIN_MS)
      }
    })
    expect(total).to.be.above(10)
    const day = findStops(walkDay(200, LON, LAT, T0))
    expect(day.map((s) => Math.round(s.seconds / 60))).to.satisfy((m: number[]) => m.length === 2 && m[0]! >= 10 && m[1]! >= 4)
  })

  it('cuts pieces and reports gaps at silences over five minutes', () => {
    const fixes = walkDay(11, LON, LAT, T0)
    const gaps = findGaps(fixes)
    expect(gaps).to.have.length(1)
    expect(gaps[0]!.seconds).to.be.at.least(20 * 60)
    expect(gaps[0]!.metres).to.be.closeTo(geodesicMetres(fixes.find((f) => f.t === gaps[0]!.start)!.lon, fixes.find((f) => f.t === gaps[0]!.start)!.lat,
      fixes.find((f) => f.t === gaps[0]!.end)!.lon, fixes.find((f) => f.t === gaps[0]!.end)!.lat), 1e-9)
    const pieces = splitPieces(fixes)
    expect(pieces).to.have.length(2)
    expect(pieces.flat()).to.deep.equal(fixes)
    for (const piece of pieces) for (let i = 1; i < piece.length; i++) expect(piece[i]!.t - piece[i - 1]!.t).to.be.at.most(GAP_MS)
    expect(splitPieces([])).to.deep.equal([])
  })

  it('reports speeds: max between fixes, max reported, mean while moving (stops and gaps left out)', () => {
    const fixes = walkDay(12, LON, LAT, T0)
    const stops = findStops(fixes)
    const s = speeds(fixes, stops)
    // the walk's speeds are 1-1.6 m/s with 2 m of noise per fix
    expect(s.meanMoving).to.be.within(0.9, 1.7)
    expect(s.max).to.be.within(1.2, 2.5)
    expect(s.maxReported).to.be.closeTo(1.3, 1e-9)
    // reference: the same sum, written out over the segments outside stops and gaps
    let m = 0, ms = 0
    for (let i = 1; i < fixes.length; i++) {
      const dt = fixes[i]!.t - fixes[i - 1]!.t
      if (dt > GAP_MS || stops.some((x) => i - 1 >= x.from && i < x.to)) continue
      m += planeMetres(fixes[i - 1]!, fixes[i]!); ms += dt
    }
    expect(s.movingSeconds).to.equal(ms / 1000)
    expect(s.meanMoving!).to.be.closeTo(m / (ms / 1000), 1e-6)
    expect(speeds([], [])).to.deep.equal({ max: null, maxReported: null, meanMoving: null, movingSeconds: 0 })
  })
})
