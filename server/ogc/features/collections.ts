// /collections and /collections/{id}: one collection per catalogue layer, with its spatial and
// (where the layer has a time, temporal.ts) temporal extent.
import type { Context } from 'koa'
import type { AppContext } from '../../context.ts'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import { AppError } from '../../http/errors.ts'
import { cachedExtent } from '../common/featureSource.ts'
import { serviceUrl } from '../common/url.ts'
import { CRS84, crsUris, STORAGE_CRS } from './crs.ts'
import { representation } from './format.ts'
import { collectionHtml, collectionsHtml, type CollectionDoc } from './html.ts'
import { FEATURES_PATH } from './landing.ts'
import { temporalExtent } from './temporal.ts'
import { layersOf } from '../common/access.ts'

export const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables'
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian'

/** The collection's layer; one the caller may not read is as unknown as one that does not exist. */
export function layerOf(ctx: Context, app: AppContext, id: string): LayerDef {
  const layer = layersOf(ctx, app.catalogue).get(id)
  if (!layer) throw new AppError(404, 'not_found', `no collection "${id.slice(0, 80)}"`, {}, { code: 'NotFound', locator: 'collectionId' })
  return layer
}

async function collection(ctx: Context, app: AppContext, layer: LayerDef): Promise<CollectionDoc> {
  const url = (p: string) => serviceUrl(ctx, app, `${FEATURES_PATH}/collections/${layer.id}${p}`)
  const [extent, time] = await Promise.all([cachedExtent(app.knexRead, layer), temporalExtent(app.knexRead, layer)])
  return {
    id: layer.id, title: layer.title, description: layer.abstract, itemType: 'feature',
    ...(extent || time ? {
      extent: {
        ...(extent ? { spatial: { bbox: [extent], crs: CRS84 } } : {}),
        ...(time ? { temporal: { interval: [time], trs: GREGORIAN } } : {}),
      },
    } : {}),
    crs: crsUris, storageCrs: STORAGE_CRS,
    links: [
      { rel: 'self', type: 'application/json', title: layer.title, href: url('') },
      { rel: 'alternate', type: 'text/html', title: layer.title, href: url('?f=html') },
      { rel: 'items', type: 'application/geo+json', title: `${layer.title} (GeoJSON)`, href: url('/items') },
      { rel: QUERYABLES_REL, type: 'application/schema+json', title: `${layer.title}：可查询属性`, href: url('/queryables') },
    ],
  }
}

export async function handleCollections(ctx: Context, app: AppContext): Promise<void> {
  const want = representation(ctx)
  const collections = await Promise.all(layersOf(ctx, app.catalogue).layers.map((l) => collection(ctx, app, l)))
  if (want === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = collectionsHtml(ctx, app, collections)
    return
  }
  const self = serviceUrl(ctx, app, `${FEATURES_PATH}/collections`)
  ctx.body = {
    links: [
      { rel: 'self', type: 'application/json', title: 'collections', href: self },
      { rel: 'alternate', type: 'text/html', title: 'collections', href: `${self}?f=html` },
    ],
    crs: crsUris,
    collections,
  }
}

export async function handleCollection(ctx: Context, app: AppContext, id: string): Promise<void> {
  const layer = layerOf(ctx, app, id)
  const want = representation(ctx)
  const doc = await collection(ctx, app, layer)
  if (want === 'html') {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = collectionHtml(ctx, app, doc)
    return
  }
  ctx.body = doc
}
