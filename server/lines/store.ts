// Reading and writing lines inside the caller's jurisdiction. A line's jurisdiction is the
// community holding most of its length (place.sql); filters by community or grid find every line
// crossing it (line_community, line_grid). Writes place the batch first (one statement), refuse a
// line outside the city or the caller's jurisdiction, write it (one statement) and derive what
// its geometry crosses (line_refresh: communities, grids, components within tolerance).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { adminPrefix } from '../db/jurisdiction.ts'
import { sqlFile } from '../db/sql.ts'
import { notFound } from '../http/errors.ts'
import { versionConflict } from '../registers/routeKit.ts'
import { fieldRefusal, likeEscape, newestFirst, restError, RowProblem } from '../registers/storeKit.ts'
import { multiLineJson } from './geometry.ts'
import { DEFAULT_TOLERANCE_M, type LineListQuery, type LinePatch, type LineRow } from './schemas.ts'
import type { LineDbRow } from './view.ts'

/** A line row refused (its index in the batch, the field, the coded refusal). */
export class LineRowProblem extends RowProblem {
  override name = 'LineRowProblem'
}

/** The refusal of one field of a line (400, 403 or 409), to be coded by the caller. */
export const refusal = fieldRefusal('line')

export function selectLines(db: Knex | Knex.Transaction): Knex.QueryBuilder {
  return db('line as l').select('l.id', 'l.city_code', 'l.community_code', 'l.grid_code', 'l.code', 'l.name', 'l.kind', 'l.guard_level',
    'l.owner_unit', 'l.contact_name', 'l.contact_phone', 'l.tolerance_m', 'l.length_m', 'l.note', 'l.verified_at', 'l.version',
    'l.created_at', 'l.updated_at', db.raw('(SELECT count(*) FROM line_component lc WHERE lc.line_id = l.id)::int AS component_count'),
    db.raw(`to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t`))
}

export function filterLines(qb: Knex.QueryBuilder, p: Principal, f: { community?: string | undefined; grid?: string | undefined; q?: string | undefined; kind?: string | undefined }): Knex.QueryBuilder {
  p.jurisdiction.apply(qb, 'l.community_code')
  if (f.community) qb.whereExists((e) => e.from('line_community as lc').whereRaw('lc.line_id = l.id').where('lc.community_code', 'like', `${adminPrefix(f.community!)}%`))
  if (f.grid) qb.whereExists((e) => e.from('line_grid as lg').whereRaw('lg.line_id = l.id').where('lg.grid_code', f.grid!))
  if (f.kind) qb.where('l.kind', f.kind)
  if (f.q) {
    const like = `%${likeEscape(f.q)}%`
    qb.where((w) => w.whereRaw("l.name LIKE ? ESCAPE '\\'", [like]).orWhereRaw("l.code ILIKE ? ESCAPE '\\'", [like]).orWhereRaw("l.owner_unit LIKE ? ESCAPE '\\'", [like]))
  }
  return qb
}

export async function listLines(db: Knex, p: Principal, q: LineListQuery): Promise<{ rows: LineDbRow[]; next: string | null }> {
  return newestFirst<LineDbRow>(filterLines(selectLines(db), p, q), 'l', q)
}

export async function readLine(db: Knex | Knex.Transaction, p: Principal, id: number): Promise<LineDbRow> {
  const row = await p.jurisdiction.apply(selectLines(db).where('l.id', id), 'l.community_code').first() as LineDbRow | undefined
  if (!row) throw notFound(`no line ${id} in your jurisdiction`).coded('lines.not_found', { id })
  return row
}

/** The detail's extras: the geometry (GeoJSON) and the communities and grids crossed, longest first. */
export async function lineExtras(db: Knex, id: number) {
  const [geom, communities, grids] = await Promise.all([
    db('line').where({ id }).first(db.raw('ST_AsGeoJSON(geom, 7) AS geometry')) as Promise<{ geometry: string }>,
    db('line_community as lc').join('admin_division as a', 'a.code', 'lc.community_code').where('lc.line_id', id)
      .orderBy([{ column: 'lc.length_m', order: 'desc' }, { column: 'lc.community_code' }]).select('lc.community_code as code', 'a.name', 'lc.length_m') as Promise<{ code: string; name: string; length_m: number }[]>,
    db('line_grid').where({ line_id: id }).orderBy([{ column: 'length_m', order: 'desc' }, { column: 'grid_code' }]).select('grid_code as code', 'length_m') as Promise<{ code: string; length_m: number }[]>,
  ])
  const m = (x: number) => Math.round(Number(x) * 100) / 100
  return {
    geometry: JSON.parse(geom.geometry) as unknown,
    communities: communities.map((c) => ({ code: c.code, name: c.name, lengthM: m(c.length_m) })),
    grids: grids.map((g) => ({ code: g.code, lengthM: m(g.length_m) })),
  }
}

export interface PreparedLine {
  community_code: string; grid_code: string | null; code: string; name: string; kind: string; guard_level: string; owner_unit: string | null
  contact_name: string | null; contact_phone: string | null; tolerance_m: number; length_m: number; geom: string; note: string | null
}

/** Places a batch of lines (one statement) and checks each against the city and the jurisdiction. */
export async function prepareLines(db: Knex | Knex.Transaction, p: Principal, cityCode: string, rows: LineRow[]): Promise<PreparedLine[]> {
  const seen = new Map<string, number>()
  rows.forEach((r, i) => {
    const first = seen.get(r.code)
    if (first !== undefined) throw new LineRowProblem(i, 'code', refusal(400, 'code', `code ${r.code} is given twice (also row ${first + 1})`).coded('lines.code_repeated', { field: 'code', code: r.code, first: first + 1 }))
    seen.set(r.code, i)
  })
  const geoms = rows.map((r) => multiLineJson(r.geometry))
  const { rows: placed } = await db.raw(sqlFile('lines/place'), { city: cityCode, rows: JSON.stringify(geoms.map((geom, ord) => ({ ord, geom }))) }) as
    { rows: { ord: number; length_m: number; community_code: string | null; grid_code: string | null }[] }
  return rows.map((r, i) => {
    const at = placed[i]!
    if (at.community_code === null) throw new LineRowProblem(i, 'geometry', refusal(400, 'geometry', 'the line crosses no community of this city').coded('lines.outside_city', { field: 'geometry' }))
    if (!p.jurisdiction.covers(at.community_code)) {
      throw new LineRowProblem(i, 'geometry', refusal(403, 'geometry', `most of the line lies in community ${at.community_code}, outside your jurisdiction`).coded('lines.outside_jurisdiction', { field: 'geometry', code: at.community_code }))
    }
    return {
      community_code: at.community_code, grid_code: at.grid_code, code: r.code, name: r.name, kind: r.kind, guard_level: r.guardLevel ?? 'general',
      owner_unit: r.ownerUnit ?? null, contact_name: r.contactName ?? null, contact_phone: r.contactPhone ?? null,
      tolerance_m: r.toleranceM ?? DEFAULT_TOLERANCE_M, length_m: Number(at.length_m), geom: geoms[i]!, note: r.note ?? null,
    }
  })
}

export async function writeLines(db: Knex | Knex.Transaction, cityCode: string, rows: PreparedLine[], update: boolean): Promise<{ id: string; code: string; inserted: boolean }[]> {
  const { rows: out } = await db.raw(sqlFile('lines/upsert'), { city: cityCode, rows: JSON.stringify(rows), update }) as { rows: { id: string; code: string; inserted: boolean }[] }
  if (out.length) await db.raw(sqlFile('lines/refresh'), { ids: out.map((o) => Number(o.id)) })
  return out
}

export async function createLine(knex: Knex, p: Principal, body: LineRow & { verified?: boolean }): Promise<number> {
  const cityCode = p.cityCode!
  try {
    return await knex.transaction(async (trx) => {
      const [row] = await prepareLines(trx, p, cityCode, [body])
      const [written] = await writeLines(trx, cityCode, [row!], false)
      if (!written) throw new LineRowProblem(0, 'code', refusal(409, 'code', `line code ${body.code} is used already`).coded('lines.code_taken', { field: 'code', code: body.code }))
      return Number(written.id)
    })
  } catch (err) {
    throw restError(err)
  }
}

export async function updateLine(knex: Knex, p: Principal, id: number, patch: LinePatch): Promise<void> {
  try {
    await knex.transaction(async (trx) => {
      const cur = await readLine(trx, p, id)
      if (cur.version !== patch.version) throw versionConflict('line', id, cur.version)
      const { version: _v, verified, geometry, ...changes } = patch
      const set: Record<string, unknown> = Object.fromEntries(Object.entries({
        code: changes.code, name: changes.name, kind: changes.kind, guard_level: changes.guardLevel, owner_unit: changes.ownerUnit,
        contact_name: changes.contactName, contact_phone: changes.contactPhone, tolerance_m: changes.toleranceM, note: changes.note,
      }).filter(([, v]) => v !== undefined))
      if (changes.code && changes.code !== cur.code && await trx('line').where({ city_code: cur.city_code, code: changes.code }).first('id')) {
        throw new LineRowProblem(0, 'code', refusal(409, 'code', `line code ${changes.code} is used already`).coded('lines.code_taken', { field: 'code', code: changes.code }))
      }
      if (geometry) {
        const [placed] = await prepareLines(trx, p, cur.city_code, [{ code: changes.code ?? cur.code, name: cur.name, kind: 'other', geometry }])
        Object.assign(set, { community_code: placed!.community_code, grid_code: placed!.grid_code, length_m: placed!.length_m, geom: trx.raw('ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490))', [placed!.geom]) })
      }
      await trx('line').where({ id }).update({ ...set, version: cur.version + 1, updated_at: trx.fn.now(), ...(verified ? { verified_at: trx.fn.now() } : {}) })
      if (geometry || changes.toleranceM !== undefined) await trx.raw(sqlFile('lines/refresh'), { ids: [id] })
    })
  } catch (err) {
    throw restError(err)
  }
}
