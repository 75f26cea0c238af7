// Small HTTP pieces of the tile routes, shared by the catalogue layers (routes.ts) and the
// analysis layers (analysisTiles.ts): the tile coordinates of a URL, ETags and the MVT type.
import { createHash } from 'node:crypto'
import { badRequest } from '../server/http/errors.ts'
import { MAX_ZOOM, tileCount, type TileCoord } from './tilemath.ts'

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile'

function integerParam(name: 'z' | 'x' | 'y', raw: string, max: number): number {
  const v = /^[0-9]{1,8}$/.test(raw) ? Number(raw) : NaN
  if (!(v >= 0 && v <= max)) {
    throw badRequest(`${name} must be an integer from 0 to ${max}${name === 'z' ? '' : ' at this zoom'}, got "${raw.slice(0, 20)}"`,
      { parameter: name, min: 0, max })
  }
  return v
}

/** z first (x and y ranges depend on it), each out-of-range value named in the 400. */
export function parseTile(params: Record<string, string | undefined>): TileCoord {
  const z = integerParam('z', params.z ?? '', MAX_ZOOM)
  const n = tileCount(z) - 1
  return { z, x: integerParam('x', params.x ?? '', n), y: integerParam('y', params.y ?? '', n) }
}

/** Strong ETag over the bytes and the jurisdiction they were cut for. */
export function etagOf(bytes: Buffer, scope: string): string {
  return `"${createHash('sha1').update(scope).update('\0').update(bytes).digest('base64url').slice(0, 27)}"`
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}
