// Camera rows: read inside a jurisdiction, the cameras covering a point, and the insert.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError, forbidden } from '../http/errors.ts'
import type { CameraInput } from './schemas.ts'

export interface CameraRow {
  id: string; name: string; kind: string; owner: string; gb_device_id: string; gb_channel_id: string
  stream_url_template: string | null; direction: number | null; lon: number; lat: number
  fov: { type: 'Polygon'; coordinates: number[][][] }; community_code: string; created_at: Date; updated_at: Date
  distance_m?: number
}

export function cameraView(r: CameraRow) {
  return {
    id: Number(r.id), name: r.name, kind: r.kind, owner: r.owner, deviceId: r.gb_device_id, channelId: r.gb_channel_id,
    streamUrlTemplate: r.stream_url_template, direction: r.direction, lon: r.lon, lat: r.lat, fieldOfView: r.fov,
    communityCode: r.community_code, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    ...(r.distance_m === undefined ? {} : { distanceM: Math.round(r.distance_m * 10) / 10 }),
  }
}

// the caller codes it with a literal (the message catalogue test reads the codes from the source)
export const fieldError = (status: number, field: string, message: string) =>
  new AppError(status, status === 409 ? 'conflict' : 'validation_failed', `${field}: ${message}`, { errors: [{ field, message }] })

export async function listCameras(knex: Knex, p: Principal, q: { id?: number; kind?: string; deviceId?: string; after?: number; limit: number }): Promise<CameraRow[]> {
  if (p.jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('cameras/list'), {
    patterns: p.jurisdiction.patterns, id: q.id ?? null, kind: q.kind ?? null, deviceId: q.deviceId ?? null, after: q.after ?? null, limit: q.limit,
  })
  return rows as CameraRow[]
}

export async function camerasCovering(knex: Knex, p: Principal, lon: number, lat: number, limit: number): Promise<CameraRow[]> {
  if (p.jurisdiction.isEmpty) return []
  const { rows } = await knex.raw(sqlFile('cameras/covering'), { patterns: p.jurisdiction.patterns, lon, lat, limit })
  return rows as CameraRow[]
}

/** Registers a camera at a point inside the caller's jurisdiction; its community is found from the point. */
export async function createCamera(knex: Knex, p: Principal, input: CameraInput): Promise<number> {
  const fov = JSON.stringify(input.fieldOfView)
  const { rows: [check] } = await knex.raw(sqlFile('cameras/fov_check'), { fov, lon: input.lon, lat: input.lat }) as { rows: { valid: boolean; reason: string; near_camera: boolean }[] }
  if (!check!.valid) throw fieldError(400, 'fieldOfView', `not a valid polygon (${check!.reason})`)
    .coded('cameras.fov_invalid', { field: 'fieldOfView', reason: check!.reason })
  // a view that does not start at the camera is a typing error (swapped coordinates, another camera's polygon)
  if (!check!.near_camera) throw fieldError(400, 'fieldOfView', 'must start at the camera (within about 50 m of lon/lat)')
    .coded('cameras.fov_far', { field: 'fieldOfView' })
  const { rows: hits } = await knex.raw(sqlFile('places/community_at'), [[input.lon], [input.lat]]) as { rows: { code: string }[] }
  const community = hits[0]?.code
  if (!community) throw fieldError(400, 'lon', 'the point lies in no community of the city').coded('cameras.no_community', { field: 'lon' })
  if (!p.jurisdiction.covers(community)) {
    throw forbidden(`lon: the point lies in community ${community}, outside your jurisdiction`).coded('cameras.outside_jurisdiction', { field: 'lon', community })
  }
  const { rows } = await knex.raw(sqlFile('cameras/insert'), {
    name: input.name, kind: input.kind, owner: input.owner, deviceId: input.deviceId, channelId: input.channelId,
    streamUrlTemplate: input.streamUrlTemplate, direction: input.direction, lon: input.lon, lat: input.lat, fov, community, createdBy: p.userId,
  }) as { rows: { id: string }[] }
  if (!rows[0]) throw fieldError(409, 'channelId', `device ${input.deviceId} channel ${input.channelId} is registered already`)
    .coded('cameras.duplicate', { field: 'channelId' })
  return Number(rows[0].id)
}
