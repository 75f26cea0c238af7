import type { Knex } from 'knex'
import type { Jurisdiction } from '../db/jurisdiction.ts'

export interface DivisionFilter { level?: string | undefined; parent?: string | undefined }

export async function listDivisions(knex: Knex, scope: Jurisdiction, f: DivisionFilter) {
  const q = knex('admin_division').select('code', 'level', 'name', 'parent_code as parentCode')
    .select(knex.raw('round(ST_Area(geom::geography)::numeric) AS "areaM2"'))
    .orderBy('code')
  if (f.level) q.where('level', f.level)
  if (f.parent) q.where('parent_code', f.parent)
  return scope.apply(q, 'code')
}

/** One division as a GeoJSON Feature (geometry in EPSG:4490 lon/lat), or undefined. */
export async function getDivision(knex: Knex, scope: Jurisdiction, code: string) {
  const q = knex('admin_division').where('code', code)
    .select('code', 'level', 'name', 'parent_code', knex.raw('ST_AsGeoJSON(geom, 7, 0)::json AS geometry')).first()
  const row = await scope.apply(q, 'code')
  if (!row) return undefined
  return {
    type: 'Feature', id: row.code, geometry: row.geometry,
    properties: { code: row.code, level: row.level, name: row.name, parentCode: row.parent_code },
  }
}
