// An import file → features and CRS, whatever it is: a zipped Shapefile (recognised by the zip
// signature, CRS from its .prj or the explicit crs) or a GeoJSON FeatureCollection (CRS from the
// explicit crs, its legacy crs member, else CRS84 as RFC 7946 says).
import type { Crs } from '../geo/crs.ts'
import type { InputFeature } from '../grids/candidates.ts'
import { inputCrs } from '../grids/geometryInput.ts'
import { parseGeoJson } from './geojsonReader.ts'
import { readZippedShapefile } from './shapefileReader.ts'
import { shapefileCrs } from './prj.ts'

export interface ImportSource { format: 'shapefile' | 'geojson'; features: InputFeature[]; crs: Crs; note: string }

const isZip = (b: Buffer) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 0x03 || b[2] === 0x05)

export async function readSource(data: Buffer | unknown, explicitCrs: string | undefined): Promise<ImportSource> {
  if (Buffer.isBuffer(data) && isZip(data)) {
    const layer = await readZippedShapefile(data)
    const crs = shapefileCrs(layer.prj, explicitCrs)
    const features = layer.features.map((f) => ({ geometry: f.geometry, properties: (f.properties ?? null) as Record<string, unknown> | null }))
    return { format: 'shapefile', features, crs, note: `layer ${layer.name}, DBF encoding ${layer.encoding}, CRS ${crs.id}` }
  }
  const doc = parseGeoJson(data)
  const crs = inputCrs(explicitCrs, doc.crs)
  return { format: 'geojson', features: doc.features, crs, note: `CRS ${crs.id}` }
}
