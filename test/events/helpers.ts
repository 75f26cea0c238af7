// Shared helpers of the events tests.
import type { Knex } from 'knex'

export async function pointIn(knex: Knex, community: string, nth = 0): Promise<{ lon: number; lat: number; grid: string }> {
  const { rows } = await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code OFFSET ? LIMIT 1`, [community, nth])
  return { lon: rows[0].lon, lat: rows[0].lat, grid: rows[0].code }
}

/** A random tag (shares no bigrams with other tags, mostly) so unrelated test reports are not duplicates. */
export const uniq = (s: string) => `${s} ${Math.random().toString(36).slice(2, 8)}`

/**
 * A photo row for an event, as the attachments endpoint would leave it (the bytes are not
 * needed by the workflow, only the row). Returns its id.
 */
export async function photoRow(knex: Knex, number: string, stage = 'verify'): Promise<number> {
  const { rows } = await knex.raw(`INSERT INTO event_attachment (event_id, city_code, sha256, media_type, size_bytes, original_name, stage)
    SELECT id, city_code, repeat('ab', 32), 'image/jpeg', 1024, 'photo.jpg', ? FROM event WHERE number = ? RETURNING id`, [stage, number])
  return Number(rows[0].id)
}
