// The registered rasters as WMS layers (server/ogc/wms/layerSources.ts): registered once when the
// routes are built, each layer drawn from its COG. The register is read at most every few seconds
// per application and at once after an import or delete here; another API instance sees a change
// within REFRESH_MS (the files are on the shared data directory).
import type { AppContext } from '../context.ts'
import { registerLayerSource, type ExtraLayer, type MapArea } from '../ogc/wms/layerSources.ts'
import { imageCache } from '../ogc/wms/getMap.ts'
import { absoluteFile, listRasters, type RasterRow } from './store.ts'
import { drawCog } from './reader.ts'

const REFRESH_MS = 10_000
const KIND_TITLES: Record<RasterRow['kind'], string> = { ortho: '正射影像', topo: '地形图', dem: '数字高程模型', hillshade: '晕渲图' }

const cache = new WeakMap<AppContext, { until: number; value: Promise<ExtraLayer[]> }>()

function layerOf(app: AppContext, r: RasterRow): ExtraLayer {
  const file = absoluteFile(app.config.dataDir, r.file)
  return {
    name: r.name, title: r.title,
    abstract: `${KIND_TITLES[r.kind]}（栅格，来源 ${r.source_format}，${r.source_crs}，分辨率约 ${Number(r.resolution.toFixed(2))} 米）`,
    bbox: [r.minlon, r.minlat, r.maxlon, r.maxlat],
    // the file name changes with every import: a re-imported name never hits an old cached image
    version: r.file,
    draw: (area: MapArea) => drawCog(file, { kind: r.kind, min: r.min_value, max: r.max_value }, area),
  }
}

/** The rasters of an application as WMS layers (cached briefly). */
export function rasterLayers(app: AppContext): Promise<ExtraLayer[]> {
  const hit = cache.get(app)
  if (hit && hit.until > Date.now()) return hit.value
  const value = listRasters(app.knex).then((rows) => rows.map((r) => layerOf(app, r)))
  cache.set(app, { until: Date.now() + REFRESH_MS, value })
  value.catch(() => cache.delete(app))
  return value
}

/**
 * After an import or delete: the next request reads the register again, and this instance's
 * WMS/WMTS images are dropped (a rare administrative act: the whole cache refills, rather than
 * trusting every cached picture's scope to name raster layers). Other instances: within their TTLs.
 */
export function rastersChanged(app: AppContext): void {
  cache.delete(app)
  imageCache(app).clear()
}

export function registerRasterLayers(): void {
  registerLayerSource({ id: 'rasters', layers: rasterLayers })
}
