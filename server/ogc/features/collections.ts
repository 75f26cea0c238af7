// /collections and /collections/{id}: one collection per catalogue layer.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { AppError } from '../../http/errors.ts'
import { cachedExtent } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import { CRS84, crsUris, STORAGE_CRS } from './crs.ts'
import { FEATURES_PATH } from './landing.ts'
import { layersOf } from '../common/access.ts'

/** The collection's layer; one the caller may not read is as unknown as one that does not exist. */
export function layerOf(ctx: Context, app: AppContext, id: string): LayerDef {
  const layer = layersOf(ctx, app.catalogue).get(id)
  if (!layer) throw new AppError(404, 'not_found', `no collection "${id.slice(0, 80)}"`, {}, { code: 'NotFound', locator: 'collectionId' })
  return layer
}

async function collection(ctx: Context, app: AppContext, layer: LayerDef) {
  const url = (p: string) => serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}${p}`)
  const extent = await cachedExtent(app.knexRead, layer)
  return {
    id: layer.id, title: layer.title, description: layer.abstract, itemType: 'feature',
    ...(extent ? { extent: { spatial: { bbox: [extent], crs: CRS84 } } } : {}),
    crs: crsUris, storageCrs: STORAGE_CRS,
    links: [
      { rel: 'self', type: 'application/json', title: layer.title, href: url('') },
      { rel: 'items', type: 'application/geo+json', title: `${layer.title} (GeoJSON)`, href: url('/items') },
    ],
  }
}

export async function handleCollections(ctx: Context, app: AppContext): Promise<void> {
  ctx.body = {
    links: [{ rel: 'self', type: 'application/json', title: 'collections', href: serviceUrl(ctx, app, `${FEATURES_PATH}/collections`) }],
    crs: crsUris,
    collections: await Promise.all(layersOf(ctx, app.catalogue).layers.map((l) => collection(ctx, app, l))),
  }
}

export async function handleCollection(ctx: Context, app: AppContext, id: string): Promise<void> {
  ctx.body = await collection(ctx, app, layerOf(ctx, app, id))
}
