// A register defined by the tests alone, so the engine (import, export, grid views) is proven
// against a register whose every line is in view: its own table (created here), natural key
// `code`, one personal name and phone, an enum, a date, a boolean, a point. Written the way the
// contract asks the real registers to be written (set-based importRows, masking through
// registerAccess() + shown(), jurisdiction on every read).
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../../server/auth/users.ts'
import { registerAccess, servedGrids, PEOPLE_ROLES } from '../../server/registers/access.ts'
import { defineRegister, forgetRegister, RegisterRowError, type RegisterDef } from '../../server/registers/registry.ts'
import { shown } from '../../server/privacy/rule.ts'

export const TABLE = 'engine_test_row'

export async function createEngineTable(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS engine_test_row')
  await knex.raw(`CREATE TABLE engine_test_row (
    id bigserial PRIMARY KEY, city_code varchar(6) NOT NULL,
    community_code varchar(12) NOT NULL REFERENCES admin_division (code), grid_code varchar(20),
    code text NOT NULL UNIQUE, name text NOT NULL, phone text, kind text NOT NULL, since date, rented boolean NOT NULL DEFAULT false,
    area numeric(10,2), note text, geom geometry(Point, 4490), verified_at timestamptz,
    version integer NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`)
}

const rowSchema = z.object({
  code: z.string().regex(/^T\d{4,8}$/, 'must be T followed by 4 to 8 digits'),
  name: z.string().min(1).max(20),
  phone: z.string().regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'must be a mobile or a fixed line with its area code').optional(),
  kind: z.enum(['registered', 'floating']),
  since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  rented: z.boolean().optional(),
  area: z.number().positive().max(100000).optional(),
  note: z.string().max(200).optional(),
  communityCode: z.string().regex(/^\d{12}$/),
  lon: z.number().min(-180).max(180).optional(),
  lat: z.number().min(-90).max(90).optional(),
}).strict()

interface Row { id: string; code: string; name: string; phone: string | null; kind: string; since: string | null; rented: boolean; area: string | null; note: string | null
  community_code: string; grid_code: string | null; lon: number | null; lat: number | null; verified_at: Date | null; stale?: boolean }

function view(p: Principal, r: Row, grids: ReadonlySet<string>): Record<string, unknown> {
  const access = registerAccess(p, { communityCode: r.community_code, gridCode: r.grid_code }, grids)
  const personal = shown(access, { name: 'name', phone: 'phone' }, { name: r.name, phone: r.phone },
    { type: 'engine-tests', id: r.code, recordId: Number(r.id), communityCode: r.community_code, prefix: '' })
  return { id: Number(r.id), code: r.code, ...personal, kind: r.kind, since: r.since, rented: r.rented, area: r.area === null ? null : Number(r.area), note: r.note,
    communityCode: r.community_code, gridCode: r.grid_code, lon: r.lon, lat: r.lat, verifiedAt: r.verified_at, ...(r.stale !== undefined ? { stale: r.stale } : {}) }
}

const COLUMNS = `id, code, name, phone, kind, to_char(since, 'YYYY-MM-DD') AS since, rented, area, note, community_code, grid_code,
  ST_X(geom) AS lon, ST_Y(geom) AS lat, verified_at`
const EXPORT_SQL = 'SELECT ' + COLUMNS + ` FROM engine_test_row WHERE community_code LIKE ANY(?::text[]) AND community_code LIKE ?
  AND (?::text IS NULL OR grid_code = ?) AND id > ? ORDER BY id LIMIT 1000`
const IN_GRIDS_SQL = 'SELECT ' + COLUMNS + `, (verified_at IS NULL OR verified_at < ?) AS stale, count(*) OVER () AS total,
  count(*) FILTER (WHERE verified_at IS NULL OR verified_at < ?) OVER () AS stale_total
  FROM engine_test_row WHERE grid_code = ANY(?::text[]) AND community_code LIKE ANY(?::text[]) ORDER BY stale DESC, id LIMIT ?`

export const engineRegister: RegisterDef = {
  name: 'engine-tests', title: '引擎测试台账',
  columns: [
    { name: 'code', title: '编号', type: 'string', required: true, list: true, maxLength: 9 },
    { name: 'name', title: '姓名', type: 'string', required: true, personal: 'name', list: true, maxLength: 20 },
    { name: 'phone', title: '联系电话', type: 'phone', personal: 'phone' },
    { name: 'kind', title: '类型', type: 'enum', options: { registered: '户籍', floating: '流动' }, required: true, list: true },
    { name: 'since', title: '登记日期', type: 'date' },
    { name: 'rented', title: '是否出租', type: 'boolean' },
    { name: 'area', title: '面积', type: 'number' },
    { name: 'note', title: '备注', type: 'text', maxLength: 200 },
    { name: 'communityCode', title: '社区代码', type: 'communityCode', required: true },
    { name: 'lon', title: '经度', type: 'lon' },
    { name: 'lat', title: '纬度', type: 'lat' },
    { name: 'gridCode', title: '网格', type: 'gridCode', readOnly: true },
  ],
  readRoles: [...PEOPLE_ROLES, 'department', 'gis_analyst'],
  writeRoles: PEOPLE_ROLES,
  rowSchema,
  async importRows(trx, rows, ctx) {
    // the database's refusals named by row: a community that is not one
    const codes = [...new Set(rows.map((r) => r.communityCode as string))]
    const known = new Set((await trx('admin_division').whereIn('code', codes).where('level', 'community').pluck('code')) as string[])
    const bad = rows.findIndex((r) => !known.has(r.communityCode as string))
    if (bad >= 0) throw new RegisterRowError(ctx.rowNumbers[bad]!, 'communityCode', 'engine.no_community', `no community ${String(rows[bad]!.communityCode)}`)
    let inserted = 0, updated = 0
    for (let i = 0; i < rows.length; i += 5000) {
      const { rows: out } = await trx.raw(`INSERT INTO engine_test_row AS t (city_code, community_code, grid_code, code, name, phone, kind, since, rented, area, note, geom)
        SELECT ?, r."communityCode", g.code, r.code, r.name, r.phone, r.kind, r.since::date, coalesce(r.rented, false), r.area, r.note, p.geom
        FROM json_to_recordset(?::json) AS r(code text, name text, phone text, kind text, since text, rented boolean, area numeric, note text, "communityCode" text, lon float8, lat float8)
        CROSS JOIN LATERAL (SELECT CASE WHEN r.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490) END AS geom) p
        LEFT JOIN LATERAL (SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND p.geom IS NOT NULL AND ST_Intersects(geom, p.geom) LIMIT 1) g ON true
        ON CONFLICT (code) DO UPDATE SET name = excluded.name, phone = excluded.phone, kind = excluded.kind, since = excluded.since, rented = excluded.rented,
          area = excluded.area, note = excluded.note, community_code = excluded.community_code, grid_code = excluded.grid_code, geom = excluded.geom,
          version = t.version + 1, updated_at = now()
        RETURNING (xmax = 0) AS inserted`, [ctx.cityCode, JSON.stringify(rows.slice(i, i + 5000))]) as { rows: { inserted: boolean }[] }
      for (const r of out) if (r.inserted) inserted++; else updated++
    }
    return { inserted, updated }
  },
  async *exportRows(knex, p, filter) {
    const grids = await servedGrids(knex, p)
    let after = 0
    for (;;) {
      const q = knex.raw(EXPORT_SQL, [p.jurisdiction.patterns, `${filter.community ?? ''}%`, filter.grid ?? null, filter.grid ?? null, after])
      const { rows } = await q as { rows: Row[] }
      if (!rows.length) return
      after = Number(rows.at(-1)!.id)
      yield rows.map((r) => view(p, r, grids))
    }
  },
  async inGrids(knex, p, gridCodes, opts) {
    const grids = await servedGrids(knex, p)
    const { rows } = await knex.raw(IN_GRIDS_SQL, [opts.staleBefore, opts.staleBefore, [...gridCodes], p.jurisdiction.patterns, Math.max(opts.limit, 1)]) as { rows: (Row & { total: string; stale_total: string })[] }
    return { total: Number(rows[0]?.total ?? 0), stale: Number(rows[0]?.stale_total ?? 0), items: opts.limit === 0 ? [] : rows.map((r) => view(p, r, grids)) }
  },
}

export function defineEngineRegister(): void {
  defineRegister(engineRegister)
}

/** The registry and the database as they were before the tests' register. */
export async function dropEngineRegister(knex: Knex): Promise<void> {
  forgetRegister(engineRegister.name)
  await knex.raw('DROP TABLE IF EXISTS engine_test_row')
}
