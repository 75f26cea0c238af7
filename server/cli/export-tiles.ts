// `npm run export:tiles -- --district <12-digit code> --out <file.pmtiles> [--min-zoom 12] [--max-zoom 17]`
// Writes an admin area's base grids, addresses and components as a PMTiles v3 archive for the
// field app (offline). Progress on stderr, a summary on stdout.
// Exit codes: 0 written, 1 failure (unknown area, nothing to export, database), 2 usage
// (bad arguments, too many tiles for the zoom range).
import { parseArgs } from 'node:util'
import cliProgress from 'cli-progress'
import pino from 'pino'
import { ConfigError, loadConfig } from '../config.ts'
import { boot, type Booted } from '../boot.ts'
import { AppError } from '../http/errors.ts'
import { DEFAULT_MAX_ZOOM, DEFAULT_MIN_ZOOM, exportDistrict, MAX_EXPORT_TILES, MAX_TILES_CEILING } from '../../tiles/export/district.ts'
import { MAX_ZOOM } from '../../tiles/tilemath.ts'

const USAGE = `usage: npm run export:tiles -- --district <12-digit admin code> --out <file.pmtiles> [--min-zoom ${DEFAULT_MIN_ZOOM}] [--max-zoom ${DEFAULT_MAX_ZOOM}] [--max-tiles ${MAX_EXPORT_TILES}]`

class UsageError extends Error {}

function zoomArg(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  if (!/^[0-9]{1,2}$/.test(raw) || Number(raw) > MAX_ZOOM) throw new UsageError(`--${name} must be a whole number from 0 to ${MAX_ZOOM}, got "${raw.slice(0, 20)}"`)
  return Number(raw)
}

/** Checks the arguments before anything opens the database. */
function parseExportArgs(argv: string[]): { district: string; out: string; minZoom: number; maxZoom: number; maxTiles: number } | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: { district: { type: 'string' }, out: { type: 'string' }, 'min-zoom': { type: 'string' }, 'max-zoom': { type: 'string' }, 'max-tiles': { type: 'string' }, help: { type: 'boolean' } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (!v.district) throw new UsageError('--district is required')
  if (!/^[0-9]{12}$/.test(v.district)) throw new UsageError(`--district must be a 12-digit admin code (e.g. 990102000000), got "${v.district.slice(0, 40)}"`)
  if (!v.out) throw new UsageError('--out is required')
  if (!v.out.toLowerCase().endsWith('.pmtiles')) throw new UsageError(`--out must name a .pmtiles file (MBTiles is not written), got "${v.out.slice(0, 200)}"`)
  const minZoom = zoomArg('min-zoom', v['min-zoom'], DEFAULT_MIN_ZOOM)
  const maxZoom = zoomArg('max-zoom', v['max-zoom'], Math.max(minZoom, DEFAULT_MAX_ZOOM))
  if (minZoom > maxZoom) throw new UsageError(`--min-zoom ${minZoom} is above --max-zoom ${maxZoom}`)
  const maxTiles = v['max-tiles'] === undefined ? MAX_EXPORT_TILES : Number(v['max-tiles'])
  if (!/^[0-9]{1,7}$/.test(v['max-tiles'] ?? '1') || maxTiles < 1 || maxTiles > MAX_TILES_CEILING) {
    throw new UsageError(`--max-tiles must be a whole number from 1 to ${MAX_TILES_CEILING}, got "${String(v['max-tiles']).slice(0, 20)}"`)
  }
  return { district: v.district, out: v.out, minZoom, maxZoom, maxTiles }
}

async function main(): Promise<number> {
  let args
  try {
    args = parseExportArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`gridgov export:tiles: ${err.message}\n${USAGE}\n`)
    return 2
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const config = loadConfig()
  // logs to stderr so stdout carries only the summary; start-up chatter only when asked for
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, base: { service: 'gridgov-export' } }, pino.destination(2))
  let booted: Booted | undefined
  const bar = new cliProgress.SingleBar({ format: 'export [{bar}] {value}/{total} tiles {eta_formatted}', stream: process.stderr, etaBuffer: 200 },
    cliProgress.Presets.shades_classic)
  let started = false
  try {
    booted = await boot(config, logger)
    const result = await exportDistrict(booted.context, {
      ...args,
      onProgress: (done, total) => {
        if (!started) bar.start(total, 0)
        started = true
        bar.update(done)
      },
    })
    bar.stop()
    process.stdout.write(`wrote ${result.out}: ${result.area.name} (${result.area.code}), z${result.minZoom}-${result.maxZoom}, ` +
      `${result.tiles} tiles (${result.contents} distinct) of ${result.rendered} rendered, ${result.bytes} bytes, ` +
      `bounds ${result.bounds.join(',')}\n`)
    return 0
  } catch (err) {
    bar.stop()
    if (err instanceof AppError && err.status < 500) {
      process.stderr.write(`gridgov export:tiles: ${err.detail}\n`)
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
  process.stderr.write(`gridgov export:tiles: ${(err as Error).message}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
