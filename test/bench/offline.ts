// `npm run bench offline`: the offline GeoPackage of the demo district (issue 16 item 3, target:
// built in ≤ 10× the time of ogr2ogr copying the same tables from PostGIS). The baseline is GDAL
// doing only the copy: one `ogr2ogr -f GPKG` per layer from PG: with the same rows (the layer's
// filter and the district), the same columns and the geometry, spatial index on (GDAL's default);
// our build adds the baseline, the reports table and the package record. Timed alternately, the
// median of ROUNDS each. BENCH_OFFLINE_SCALE=small for a quick run (default city).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pino from 'pino'
import type { Knex } from 'knex'
import type { AppContext } from '../../server/context.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { loadConfig } from '../../server/config.ts'
import { buildPackage, findArea } from '../../server/offline/export.ts'
import { attributesOf, PACKAGE_LAYERS } from '../../server/offline/layers.ts'
import type { Scale } from '../../fixtures/generate.ts'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, timed } from './support.ts'

const run = promisify(execFile)
const DISTRICT = '990102000000'
const ROUNDS = 3
const TARGET = 0.1

/** The ogr2ogr commands copying the package's layers (same rows and columns) into one GeoPackage. */
async function ogrCommands(knex: Knex, url: string, out: string): Promise<string[][]> {
  const catalogue = await loadCatalogue(knex)
  const u = new URL(url)
  const pg = `PG:host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)} password=${decodeURIComponent(u.password)}`
  return PACKAGE_LAYERS.map((p, i) => {
    const layer = catalogue.get(p.id)!
    const cols = attributesOf(p, layer).map((a) => `${a.sql} AS "${a.name}"`).join(', ')
    const sql = `SELECT ${cols}, t.geom FROM "${layer.table}" t WHERE (${layer.where}) AND t."${layer.adminColumn}" LIKE '${DISTRICT.slice(0, 6)}%'`
    return ['-f', 'GPKG', out, pg, '-sql', sql, '-nln', p.id, '-nlt', layer.geometryType.toUpperCase(), ...(i ? ['-update'] : [])]
  })
}

export async function benchOffline(results: BenchResult[]): Promise<void> {
  const scale = (process.env.BENCH_OFFLINE_SCALE ?? 'city') as Scale
  const { knex, url } = await benchDatabase('offline', { scale })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-offline-'))
  try {
    const app = {
      knex, knexRead: knex, catalogue: await loadCatalogue(knex), config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
      logger: pino({ level: 'silent' }), dbMode: 'external',
    } as unknown as AppContext
    const area = await findArea(knex, DISTRICT, null)
    const commands = await ogrCommands(knex, url, path.join(dir, 'ogr.gpkg'))
    const ours: number[] = [], gdal: number[] = []
    let features = 0
    for (let i = 0; i < ROUNDS; i++) {
      fs.rmSync(path.join(dir, 'ogr.gpkg'), { force: true })
      gdal.push(await timed(async () => { for (const args of commands) await run('ogr2ogr', args, { maxBuffer: 16 * 1024 * 1024 }) }))
      const file = path.join(dir, `ours-${i}.gpkg`)
      ours.push(await timed(async () => { features = (await buildPackage(app, file, area, null)).features }))
    }
    await knex('offline_package').where({ area_code: DISTRICT, user_id: null, role: null }).where('created_at', '>', knex.raw("now() - interval '1 hour'")).delete()
    const o = median(ours), g = median(gdal)
    results.push({
      name: `offline GeoPackage of district ${DISTRICT} (${features} features, ${scale} city)`, baseline: 'ogr2ogr -f GPKG from PostGIS', subject: 'gridgov export:gpkg',
      metric: 'mean', baselineValue: g, subjectValue: o, ratio: g / o, target: `≥ ${TARGET} (≤ 10× ogr2ogr's time)`, met: g / o >= TARGET,
      note: `seconds, median of ${ROUNDS}`,
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
    await knex.destroy()
  }
}
