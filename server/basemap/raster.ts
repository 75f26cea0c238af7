// The optional raster base map (天地图 / any WMTS or XYZ service), only when GRIDGOV_BASEMAP_WMTS
// is set. The server fetches the tiles on the page's behalf instead of the browser loading them:
// the page stays locked to its own origin (Content-Security-Policy, "nothing fetched from
// outside"), and a service key in the template (tianditu's tk=…) never reaches a browser.
// Unset (the default), no request ever leaves the server for a base map.
import { AppError } from '../http/errors.ts'
import type { TileCoord } from '../../tiles/tilemath.ts'

/** Raster tiles larger than this are refused (a 256-pixel PNG is ~50 KB; an error page is not an image). */
export const RASTER_MAX_BYTES = 4 * 1024 * 1024
const TIMEOUT_MS = 10_000

/** The template with the tile filled in; {s} is a subdomain digit 0-7 spread over tiles (t0-t7.tianditu.gov.cn). */
export function rasterUrl(template: string, t: TileCoord): string {
  return template.replaceAll('{z}', String(t.z)).replaceAll('{x}', String(t.x)).replaceAll('{y}', String(t.y))
    .replaceAll('{s}', String((t.x + t.y) % 8))
}

export interface RasterTile { bytes: Buffer; type: string }

/** Fetches one tile from the configured service; any failure is a 502 that names no URL (it may hold a key). */
export async function fetchRaster(template: string, t: TileCoord): Promise<RasterTile> {
  let res: Response
  try {
    res = await fetch(rasterUrl(template, t), { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' })
  } catch (err) {
    throw new AppError(502, 'basemap_upstream', `the raster base map service did not answer (${(err as Error).name})`)
  }
  const type = res.headers.get('content-type') ?? ''
  if (!res.ok || !/^image\/(png|jpeg|webp)\b/.test(type)) {
    await res.body?.cancel()
    throw new AppError(502, 'basemap_upstream', `the raster base map service answered ${res.status} ${type.slice(0, 40)}`.trim())
  }
  const bytes = Buffer.from(await res.arrayBuffer())
  if (bytes.length > RASTER_MAX_BYTES) throw new AppError(502, 'basemap_upstream', `the raster base map tile is larger than ${RASTER_MAX_BYTES} bytes`)
  return { bytes, type: type.split(';')[0]! }
}
