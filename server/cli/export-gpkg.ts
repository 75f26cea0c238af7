// `npm run export:gpkg -- --area <12-digit code> [--out file] [--format gpkg|mbtiles] [--min-zoom 12] [--max-zoom 16]`
// Writes an admin area's field copy: a GeoPackage (features in CGCS2000 and the sync baseline)
// or an MBTiles file of its vector tiles. The operator's file: event descriptions are masked as
// for a role without full access (server/offline/export.ts). Summary on stdout.
// Exit codes: 0 written, 1 failure (unknown area, database), 2 usage.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { ConfigError, loadConfig } from '../config.ts'
import { boot, type Booted } from '../boot.ts'
import { AppError } from '../http/errors.ts'
import { buildPackage, findArea } from '../offline/export.ts'
import { buildMbtiles, MBTILES_MAX_ZOOM, MBTILES_MIN_ZOOM } from '../offline/mbtiles.ts'

const USAGE = 'usage: npm run export:gpkg -- --area <12-digit admin code> [--out <file>] [--format gpkg|mbtiles] ' +
  `[--min-zoom ${MBTILES_MIN_ZOOM}] [--max-zoom ${MBTILES_MAX_ZOOM}] [--max-tiles 200000]`

class UsageError extends Error {}

function zoom(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  if (!/^[0-9]{1,2}$/.test(raw) || Number(raw) > 22) throw new UsageError(`--${name} must be a whole number from 0 to 22, got "${raw.slice(0, 20)}"`)
  return Number(raw)
}

function parse(argv: string[]) {
  let v
  try {
    v = parseArgs({ args: argv, strict: true, allowPositionals: false, options: {
      area: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, 'min-zoom': { type: 'string' },
      'max-zoom': { type: 'string' }, 'max-tiles': { type: 'string' }, help: { type: 'boolean' } } }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (v.help) return 'help' as const
  if (!v.area || !/^[0-9]{12}$/.test(v.area)) throw new UsageError(`--area must be a 12-digit admin code, got "${String(v.area ?? '').slice(0, 40)}"`)
  const format = v.format ?? (v.out?.toLowerCase().endsWith('.mbtiles') ? 'mbtiles' : 'gpkg')
  if (format !== 'gpkg' && format !== 'mbtiles') throw new UsageError(`--format must be gpkg or mbtiles, got "${format.slice(0, 20)}"`)
  const out = v.out ?? `${v.area}.${format}`
  if (fs.existsSync(out)) throw new UsageError(`${out} exists: remove it or name another --out`)
  const minZoom = zoom('min-zoom', v['min-zoom'], MBTILES_MIN_ZOOM)
  const maxZoom = zoom('max-zoom', v['max-zoom'], Math.max(minZoom, MBTILES_MAX_ZOOM))
  if (minZoom > maxZoom) throw new UsageError(`--min-zoom ${minZoom} is above --max-zoom ${maxZoom}`)
  const maxTiles = v['max-tiles'] === undefined ? 200_000 : Number(v['max-tiles'])
  if (!Number.isSafeInteger(maxTiles) || maxTiles < 1) throw new UsageError('--max-tiles must be a positive whole number')
  return { area: v.area, out, format, minZoom, maxZoom, maxTiles } as const
}

async function main(): Promise<number> {
  let args
  try {
    args = parse(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`gridgov export:gpkg: ${err.message}\n${USAGE}\n`)
    return 2
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const config = loadConfig()
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: { service: 'gridgov-export' } }, pino.destination(2))
  let booted: Booted | undefined
  try {
    booted = await boot(config, logger)
    const area = await findArea(booted.context.knex, args.area, null)
    if (args.format === 'gpkg') {
      const r = await buildPackage(booted.context, args.out, area, null)
      const layers = Object.entries(r.layers).map(([k, n]) => `${k} ${n}`).join(', ')
      process.stdout.write(`wrote ${args.out}: ${area.name} (${area.code}), ${r.features} features (${layers}), package ${r.packageId}\n`)
    } else {
      const tiles = await buildMbtiles(booted.context, args.out, area, null, args)
      process.stdout.write(`wrote ${args.out}: ${area.name} (${area.code}), ${tiles} tiles z${args.minZoom}-${args.maxZoom}\n`)
    }
    return 0
  } catch (err) {
    fs.rmSync(args.out, { force: true })
    if (err instanceof AppError && err.status < 500) {
      process.stderr.write(`gridgov export:gpkg: ${err.detail}\n`)
      return err.status === 400 || err.status === 413 ? 2 : 1
    }
    throw err
  } finally {
    await booted?.db.close()
  }
}

try {
  process.exitCode = await main()
} catch (err) {
  process.stderr.write(`gridgov export:gpkg: ${(err as Error).message}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
