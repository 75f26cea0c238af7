// Base map imports: a city's own water (kind=water: Polygon/MultiPolygon → water_area,
// LineString/MultiLineString → water_line) or place names (kind=place: Points). Base map data
// comes as one dataset per city, so an import REPLACES the city's rows of that kind, in one
// transaction (all or nothing; a dry run converts, writes and rolls back). Only a caller whose
// jurisdiction is a whole city may do it (the base map is city-wide and public).
// Properties: name (name, mc, 名称), kind (kind, type, lx, 类型), rank (rank, dj, 等级; places only).
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { toStorage, type Crs } from '../geo/crs.ts'
import { AppError, forbidden } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { inputProblemsError, type InputFeature } from '../grids/candidates.ts'
import { polygonFromInput, type InputProblem } from '../grids/geometryInput.ts'
import { pick } from '../grids/properties.ts'
import { PLACE_RANKS } from '../basemap/generalise.ts'

export const BASEMAP_IMPORT_KINDS = ['water', 'place'] as const
export type BasemapImportKind = (typeof BASEMAP_IMPORT_KINDS)[number]
export const isBasemapImport = (kind: string): kind is BasemapImportKind => (BASEMAP_IMPORT_KINDS as readonly string[]).includes(kind)

const ALIASES = { name: ['name', 'mc', '名称'], kind: ['kind', 'type', 'lx', '类型'], rank: ['rank', 'dj', '等级'] } as const
const AREA_KINDS = ['river', 'lake', 'canal', 'reservoir', 'pond']
const LINE_KINDS = ['river', 'canal', 'stream', 'ditch']
const MAX_LINE_VERTICES = 10_000

type Row = Record<string, unknown>
interface Staged { areas: Row[]; lines: Row[]; places: Row[] }

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined)

function position(pos: unknown, crs: Crs): [number, number] {
  if (!Array.isArray(pos) || pos.length !== 2 || typeof pos[0] !== 'number' || typeof pos[1] !== 'number') {
    throw new AppError(400, 'bad_geometry', 'a position needs two numeric ordinates (no Z/M)')
  }
  const p = toStorage(pos[0], pos[1], crs)
  return [p.lon, p.lat]
}

function lines(g: { type: string; coordinates: unknown }, crs: Crs): [number, number][][] {
  const parts = (g.type === 'LineString' ? [g.coordinates] : g.coordinates) as unknown[]
  if (!Array.isArray(parts) || !parts.length) throw new AppError(400, 'bad_geometry', 'an empty line')
  return parts.map((line) => {
    if (!Array.isArray(line) || line.length < 2 || line.length > MAX_LINE_VERTICES) {
      throw new AppError(400, 'bad_geometry', `a line needs 2..${MAX_LINE_VERTICES} positions`)
    }
    return line.map((p) => position(p, crs))
  })
}

function stageWater(f: InputFeature, crs: Crs, out: Staged): void {
  const g = f.geometry as { type?: unknown; coordinates?: unknown } | null
  const props = f.properties ?? {}
  const name = text(pick(props, ALIASES.name)) ?? null
  if (name && name.length > 100) throw new AppError(400, 'bad_feature', 'name is longer than 100 characters')
  const kind = text(pick(props, ALIASES.kind))
  if (g?.type === 'Polygon' || g?.type === 'MultiPolygon') {
    if (kind && !AREA_KINDS.includes(kind)) throw new AppError(400, 'bad_feature', `kind of a water area must be one of ${AREA_KINDS.join(' ')}`)
    out.areas.push({ name, kind: kind ?? 'lake', geom: polygonFromInput(g, crs) })
  } else if (g?.type === 'LineString' || g?.type === 'MultiLineString') {
    if (kind && !LINE_KINDS.includes(kind)) throw new AppError(400, 'bad_feature', `kind of a water line must be one of ${LINE_KINDS.join(' ')}`)
    out.lines.push({ name, kind: kind ?? 'river', geom: { type: 'MultiLineString', coordinates: lines(g as { type: string; coordinates: unknown }, crs) } })
  } else {
    throw new AppError(400, 'bad_geometry', `geometry must be a (Multi)Polygon or (Multi)LineString, got ${JSON.stringify(g?.type ?? null)}`)
  }
}

function stagePlace(f: InputFeature, crs: Crs, out: Staged): void {
  const g = f.geometry as { type?: unknown; coordinates?: unknown } | null
  if (g?.type !== 'Point') throw new AppError(400, 'bad_geometry', `geometry must be a Point, got ${JSON.stringify(g?.type ?? null)}`)
  const props = f.properties ?? {}
  const name = text(pick(props, ALIASES.name))
  if (!name || name.length > 100) throw new AppError(400, 'bad_feature', 'name (1-100 characters) is required')
  const kind = text(pick(props, ALIASES.kind))
  if (!kind || !Object.hasOwn(PLACE_RANKS, kind)) throw new AppError(400, 'bad_feature', `kind must be one of ${Object.keys(PLACE_RANKS).join(' ')}`)
  const rawRank = pick(props, ALIASES.rank)
  const rank = rawRank === undefined || rawRank === null || rawRank === '' ? PLACE_RANKS[kind as keyof typeof PLACE_RANKS] : Number(rawRank)
  if (!Number.isInteger(rank) || rank < 1 || rank > 9) throw new AppError(400, 'bad_feature', 'rank must be a whole number from 1 to 9')
  const [lon, lat] = position(g.coordinates, crs)
  out.places.push({ name, kind, rank, lon, lat })
}

/** The one city the caller's jurisdiction covers whole: base map data is replaced per city. */
async function cityOf(knex: Knex, principal: Principal): Promise<string> {
  const cities = (await knex('admin_division').where({ level: 'city' }).pluck('code') as string[]).filter((c) => principal.jurisdiction.covers(c))
  if (!cities.length) throw forbidden('base map imports replace a whole city\'s water or place names: they need city-wide rights')
  if (cities.length > 1) throw new AppError(400, 'bad_request', `your jurisdiction covers ${cities.length} cities: import as a user of one city`)
  return cities[0]!.slice(0, 6)
}

export async function runBasemapImport(knex: Knex, principal: Principal, features: InputFeature[],
  opts: { kind: BasemapImportKind; dryRun: boolean; crs: Crs }) {
  const staged: Staged = { areas: [], lines: [], places: [] }
  const problems: InputProblem[] = []
  features.forEach((f, feature) => {
    try {
      if (opts.kind === 'water') stageWater(f, opts.crs, staged)
      else stagePlace(f, opts.crs, staged)
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err
      problems.push({ feature, message: err.detail })
    }
  })
  if (problems.length) throw inputProblemsError(problems)
  const city = await cityOf(knex, principal)
  let written = 0
  const trx = await knex.transaction()
  try {
    const run = async (file: string, rows: Row[]) => {
      const r = await trx.raw(sqlFile(file), [city, JSON.stringify(rows)])
      written += Number((r as { rowCount?: number }).rowCount ?? 0)
    }
    if (opts.kind === 'water') {
      await run('basemap/replace_water_area', staged.areas)
      await run('basemap/replace_water_line', staged.lines)
    } else {
      await run('basemap/replace_places', staged.places)
    }
    // a dry run has been through every constraint; nothing stays
    if (opts.dryRun) await trx.rollback()
    else await trx.commit()
  } catch (err) {
    if (!trx.isCompleted()) await trx.rollback()
    throw err
  }
  return { kind: opts.kind, dryRun: opts.dryRun, features: features.length, written: opts.dryRun ? 0 : written, valid: true, violations: [] }
}
