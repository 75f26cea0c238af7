// The raster register (table raster_layer, migration 0047): rows, their public view, and where
// their files live under the data directory.
import path from 'node:path'
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

export interface RasterRow {
  name: string
  kind: 'ortho' | 'topo' | 'dem' | 'hillshade'
  title: string
  parent: string | null
  minlon: number; minlat: number; maxlon: number; maxlat: number
  resolution: number
  source_crs: string
  source_format: string
  crs: string
  file: string
  bytes: string | number
  width: number
  height: number
  bands: number
  min_value: number | null
  max_value: number | null
  created_by: string
  created_at: Date
}

export type NewRaster = Omit<RasterRow, 'created_at'>

/** Where the served files live, under the data directory. */
export const RASTER_DIR = 'rasters'

export function absoluteFile(dataDir: string, file: string): string {
  return path.resolve(dataDir, file)
}

export async function listRasters(knex: Knex): Promise<RasterRow[]> {
  const { rows } = await knex.raw(sqlFile('rasters/list'))
  return rows as RasterRow[]
}

export async function getRaster(knex: Knex, name: string): Promise<RasterRow | undefined> {
  const { rows } = await knex.raw(sqlFile('rasters/one'), [name])
  return (rows as RasterRow[])[0]
}

export async function insertRaster(knex: Knex, r: NewRaster): Promise<void> {
  await knex.raw(sqlFile('rasters/insert'), [r.name, r.kind, r.title, r.parent, r.minlon, r.minlat, r.maxlon, r.maxlat,
    r.resolution, r.source_crs, r.source_format, r.file, Number(r.bytes), r.width, r.height, r.bands, r.min_value, r.max_value, r.created_by])
}

/** Deletes a raster and its hillshade; returns the files the rows named (to be removed once committed). */
export async function deleteRaster(knex: Knex, name: string): Promise<string[]> {
  const rows = await knex('raster_layer').where({ name }).orWhere({ parent: name }).del().returning('file') as { file: string }[]
  return rows.map((r) => r.file)
}

const round = (v: number, digits: number) => Number(v.toFixed(digits))

/** The REST view of a register row. */
export function rasterView(r: RasterRow) {
  return {
    name: r.name, kind: r.kind, title: r.title, parent: r.parent,
    extent: [round(r.minlon, 7), round(r.minlat, 7), round(r.maxlon, 7), round(r.maxlat, 7)], extentCrs: 'EPSG:4490',
    resolution: round(r.resolution, 3), sourceCrs: r.source_crs, sourceFormat: r.source_format,
    crs: r.crs, file: r.file, bytes: Number(r.bytes), width: r.width, height: r.height, bands: r.bands,
    ...(r.kind === 'dem' ? { minValue: r.min_value, maxValue: r.max_value } : {}),
    tiles: `/tiles/raster/${r.name}/{z}/{x}/{y}.png`, wmsLayer: r.name,
    createdBy: r.created_by, createdAt: r.created_at,
  }
}
