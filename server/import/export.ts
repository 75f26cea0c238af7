// GeoJSON export of grids (GET /api/v1/grids/export): the same filters and jurisdiction as the
// list, without paging, as one FeatureCollection a GIS can open directly (lon/lat EPSG:4490,
// which RFC 7946 consumers read as WGS84: the two differ by centimetres).
import type { Knex } from 'knex'
import type { FeatureCollection, Geometry } from 'geojson'
import type { Jurisdiction } from '../db/jurisdiction.ts'
import { listGrids, type GridFilter } from '../grids/repository.ts'

export type ExportFilter = Omit<GridFilter, 'offset'>

export async function exportGrids(knex: Knex, scope: Jurisdiction, f: ExportFilter): Promise<FeatureCollection<Geometry>> {
  const features = await listGrids(knex, scope, { ...f, offset: 0 })
  return { type: 'FeatureCollection', features }
}
