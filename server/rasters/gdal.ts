// GDAL's command-line tools (Debian gdal-bin), run as child processes with argument arrays (no
// shell). Only the import needs them: serving reads the finished COGs with geotiff.js, so a
// machine without GDAL still serves what was imported elsewhere.
import { execFile } from 'node:child_process'
import { AppError } from '../http/errors.ts'

/** Longest a single GDAL step may run: a large orthophoto takes minutes, never hours. */
const STEP_TIMEOUT_MS = 30 * 60_000
const OUTPUT_LIMIT = 64 * 1024 * 1024

export interface GdalResult { stdout: string; stderr: string }

/** A GDAL tool's failure: exit code and the tool's own message (its last error line). */
export class GdalFailure extends Error {
  constructor(readonly tool: string, readonly stderr: string) {
    super(`${tool} failed: ${lastError(stderr)}`)
    this.name = 'GdalFailure'
  }
}

/** The message GDAL printed last ("ERROR 4: …" lines, else the last line), without the prefix. */
export function lastError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean)
  const errors = lines.filter((l) => /^ERROR \d+:/.test(l))
  const line = (errors.length ? errors[errors.length - 1]! : lines[lines.length - 1]) ?? 'no message'
  return line.replace(/^ERROR \d+:\s*/, '').slice(0, 300)
}

export function runGdal(tool: string, args: string[]): Promise<GdalResult> {
  return new Promise((resolve, reject) => {
    execFile(tool, args, { timeout: STEP_TIMEOUT_MS, maxBuffer: OUTPUT_LIMIT, env: { ...process.env, CPL_LOG_ERRORS: 'ON' } },
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(gdalMissing())
        else if (err) reject(new GdalFailure(tool, String(stderr) || err.message))
        else resolve({ stdout: String(stdout), stderr: String(stderr) })
      })
  })
}

let available: Promise<string | null> | undefined

/** GDAL's version ("3.6.2"), or null when gdalinfo is not on the PATH. Asked once per process. */
export function gdalVersion(): Promise<string | null> {
  available ??= runGdal('gdalinfo', ['--version'])
    .then((r) => /GDAL (\d+\.\d+(\.\d+)?)/.exec(r.stdout)?.[1] ?? null)
    .catch(() => null)
  return available
}

export function gdalMissing(): AppError {
  return new AppError(503, 'gdal_missing',
    'importing rasters needs GDAL (the Debian package gdal-bin: gdalinfo, gdal_translate, gdaldem) on this server; imported rasters are still served without it')
    .coded('rasters.gdal_missing')
}

/** Refuses the import unless GDAL 3.2 or later (the COG driver's TILING_SCHEME) is installed. */
export async function requireGdal(): Promise<void> {
  const v = await gdalVersion()
  if (!v) throw gdalMissing()
  const [major, minor] = v.split('.').map(Number) as [number, number]
  if (major < 3 || (major === 3 && minor < 2)) throw gdalMissing()
}

/** Subset of `gdalinfo -json` that the import reads. */
export interface GdalInfo {
  driverShortName: string
  size: [number, number]
  geoTransform?: number[]
  coordinateSystem?: { wkt?: string }
  wgs84Extent?: { coordinates: number[][][] }
  metadata?: Record<string, Record<string, string>>
  stac?: { 'proj:epsg'?: number | null }
  bands: {
    band: number; type: string; colorInterpretation?: string; noDataValue?: number | string
    colorTable?: unknown; computedMin?: number; computedMax?: number
  }[]
}

export async function gdalInfo(file: string, extra: string[] = []): Promise<GdalInfo> {
  const { stdout } = await runGdal('gdalinfo', ['-json', ...extra, file])
  return JSON.parse(stdout) as GdalInfo
}
