// `npm run import:raster -- <file> --name <name> --kind ortho|topo|dem [--title <title>] [--as user]`
// Imports a raster (GeoTIFF, ERDAS .img, a DEM such as an .asc grid with its .prj beside it, or a
// zip of one) into a cloud-optimised GeoTIFF under the data directory and registers it, like
// POST /api/v1/rasters but without its size limit; a DEM also gets its hillshade (<name>-hillshade).
// All or nothing. Exit codes: 0 imported, 1 refused or failed (nothing registered), 2 usage.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/index.ts'
import { principalFor, refusal, runCommand, usage } from './importKit.ts'
import { loadCatalogue } from '../../tiles/catalogue.ts'
import { importRaster } from '../rasters/importJob.ts'
import { RASTER_KINDS, type RasterKind } from '../rasters/inspect.ts'

const USAGE = `usage: npm run import:raster -- <file.tif|file.img|file.asc|file.zip> --name <name> --kind ${RASTER_KINDS.join('|')} [--title <title>] [--as username]`

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, kind: { type: 'string' }, title: { type: 'string' }, as: { type: 'string' }, help: { type: 'boolean', default: false } },
  })
  if (values.help || positionals.length !== 1 || !values.name || !(RASTER_KINDS as readonly string[]).includes(values.kind ?? '')) {
    return usage(USAGE, values.help)
  }
  const file = positionals[0]!
  if (!fs.existsSync(file)) {
    process.stderr.write(`gridgov import:raster: no file ${file}\n`)
    return 2
  }
  const config = loadConfig()
  const db = await openDatabase(config, (m) => process.stderr.write(`${m}\n`))
  try {
    const principal = await principalFor(db.knex, values.as)
    const catalogue = await loadCatalogue(db.knex)
    const report = await importRaster(db.knex, config.dataDir, {
      input: file, name: values.name, kind: values.kind as RasterKind, title: values.title,
      createdBy: principal.username, reserved: new Set(catalogue.layers.map((l) => l.id)),
    })
    process.stdout.write(`${file}: ${report.format}, ${report.size[0]}×${report.size[1]} px, ${report.bands} band(s), ${report.sourceCrs}, ` +
      `about ${report.resolution} m per pixel, extent ${report.extent.map((v) => v.toFixed(6)).join(',')} (EPSG:4490)\n`)
    for (const r of report.registered) {
      process.stdout.write(`registered ${r.name} (${r.kind}): ${r.file}, ${r.width}×${r.height} px, ${r.bytes} bytes, ${r.crs} ${r.layout}\n`)
    }
    return 0
  } catch (err) {
    return refusal('gridgov import:raster', err, () => undefined)
  } finally {
    await db.close()
  }
}

await runCommand('gridgov import:raster', main)
