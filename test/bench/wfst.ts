// `npm run bench wfst`: WFS-T Insert of 1,000 components (one wfs:Transaction, WFS 2.0.0 XML
// with GML points) against the REST import of the same features (POST /api/v1/import?kind=
// component, a GeoJSON FeatureCollection), both over HTTP to the app in a child process, as
// the command centre. Rounds alternate; each round's rows are deleted before the next, so both
// write the same ids into the same table. Target (issue 16): WFS-T ≥ 0.5× the import's rate.
//
// BENCH_WFST_FEATURES changes the count; BENCH_WFST_SCALE=small uses the small bench city.
import type { Knex } from 'knex'
import type { Scale } from '../../fixtures/generate.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, startAppChild } from './support.ts'

const FEATURES = Number(process.env.BENCH_WFST_FEATURES ?? 1000)
const SCALE = (process.env.BENCH_WFST_SCALE ?? 'city') as Scale
const ROUNDS = 3
const MARK = 'bench-wfst'

interface Feature { id: string; name: string; community: string; lon: number; lat: number }

/** FEATURES points inside ten communities, with new ids of the communities' counties (sequence 8xxxxx). */
async function features(knex: Knex): Promise<Feature[]> {
  const per = Math.ceil(FEATURES / 10)
  const cls = (await knex('component_class').orderBy('code').first('code')).code as string
  const { rows } = await knex.raw(`SELECT a.code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
    FROM (SELECT code, geom FROM admin_division WHERE level = 'community' ORDER BY code LIMIT 10) a
    CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(a.geom, ?, 16)) p`, [per])
  return (rows as { code: string; lon: number; lat: number }[]).slice(0, FEATURES).map((r, i) => ({
    id: `${r.code.slice(0, 6)}${cls}${String(800000 + i).padStart(6, '0')}`, name: `${MARK}-${i}`, community: r.code, lon: Number(r.lon), lat: Number(r.lat),
  }))
}

const geojson = (fs: Feature[]) => JSON.stringify({
  type: 'FeatureCollection',
  features: fs.map((f) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [f.lon, f.lat] }, properties: { id: f.id, name: f.name, community_code: f.community } })),
})

const transaction = (fs: Feature[]) => '<?xml version="1.0" encoding="UTF-8"?>' +
  '<wfs:Transaction service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" ' +
  'xmlns:gridgov="https://gridgov.invalid/ns"><wfs:Insert>' +
  fs.map((f) => `<gridgov:components><gridgov:id>${f.id}</gridgov:id><gridgov:name>${f.name}</gridgov:name>` +
    `<gridgov:community_code>${f.community}</gridgov:community_code><gridgov:geom><gml:Point srsName="EPSG:4490"><gml:pos>${f.lon} ${f.lat}</gml:pos></gml:Point></gridgov:geom></gridgov:components>`).join('') +
  '</wfs:Insert></wfs:Transaction>'

export async function benchWfst(results: BenchResult[]): Promise<void> {
  const { knex, url } = await benchDatabase('wfst', { scale: SCALE })
  const app = await startAppChild(url)
  const clean = () => knex('component').where('name', 'like', `${MARK}-%`).delete()
  try {
    await clean()
    const fs = await features(knex)
    const auth = { authorization: `Basic ${Buffer.from(`command:${DEMO_PASSWORD}`).toString('base64')}` }
    const rest = { url: `${app.origin}/api/v1/import?kind=component`, body: geojson(fs), type: 'application/geo+json' }
    const wfst = { url: `${app.origin}/ogc/wfs`, body: transaction(fs), type: 'text/xml' }
    const time = async (req: typeof rest, expect: RegExp) => {
      const t0 = process.hrtime.bigint()
      const res = await fetch(req.url, { method: 'POST', headers: { ...auth, 'content-type': req.type }, body: req.body })
      const text = await res.text()
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (res.status !== 200 || !expect.test(text)) throw new Error(`${req.url}: ${res.status} ${text.slice(0, 300)}`)
      const written = Number(await knex('component').where('name', 'like', `${MARK}-%`).count<{ n: string }[]>('* as n').then((r) => r[0]!.n))
      if (written !== fs.length) throw new Error(`${req.url} wrote ${written} of ${fs.length} components`)
      await clean()
      return ms
    }
    await time(rest, /"written":/) // warm-up both (JIT, pools, plans)
    await time(wfst, /totalInserted>\d+</)
    const importMs: number[] = [], wfstMs: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      importMs.push(await time(rest, /"written":/))
      wfstMs.push(await time(wfst, new RegExp(`totalInserted>${fs.length}<`)))
    }
    const baseline = fs.length / (median(importMs) / 1000)
    const subject = fs.length / (median(wfstMs) / 1000)
    results.push({
      name: `WFS-T insert of ${fs.length.toLocaleString('en')} components (${SCALE} city)`, baseline: 'REST import (GeoJSON)',
      subject: 'wfs:Transaction Insert (GML)', metric: 'ops/s', baselineValue: baseline, subjectValue: subject,
      ratio: subject / baseline, target: '≥ 0.5×', met: subject / baseline >= 0.5,
      note: `median of ${ROUNDS} alternating rounds, one request each: import ${median(importMs).toFixed(0)} ms, WFS-T ${median(wfstMs).toFixed(0)} ms; ` +
        `body ${(rest.body.length / 1024).toFixed(0)} KiB GeoJSON vs ${(wfst.body.length / 1024).toFixed(0)} KiB XML; rows deleted after each`,
    })
    process.stderr.write(`bench wfst: ${JSON.stringify(results.at(-1))}\n`)
  } finally {
    await clean().catch(() => undefined)
    await app.stop()
    await knex.destroy()
  }
}
