// The base map (issue 12, item 1): /api/v1/basemap (its configuration), /tiles/basemap/{z}/{x}/{y}.mvt,
// /tiles/basemap.json and the optional raster proxy /tiles/basemap/raster/{z}/{x}/{y}.
// All public, readable before sign-in: rivers, lakes, roads and place names are what any printed
// city map shows, not governance data (no events, grids, people or components), and the sign-in
// screen should show the city on a map. Mounted before the /tiles router, which would otherwise
// take /tiles/basemap/… for a catalogue layer and ask for a sign-in.
import type { Context } from 'koa'
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { sqlFile } from '../db/sql.ts'
import { AppError } from '../http/errors.ts'
import { tileServiceOf } from '../../tiles/routes.ts'
import { MVT_TYPE, etagOf, matchesIfNoneMatch, parseTile } from '../../tiles/tileHttp.ts'
import type { TileJson } from '../../tiles/tilejson.ts'
import { BasemapTiles } from './tiles.ts'
import { fetchRaster } from './raster.ts'
import { BASEMAP_MAX_ZOOM, BASEMAP_MIN_ZOOM, BASEMAP_TILE_SIZE } from './generalise.ts'
import { BASEMAP_CACHE_SECONDS } from './openapi.ts'

const RASTER_MAX_ZOOM = 18
const services = new WeakMap<AppContext, BasemapTiles>()

/** The base map tiles of an application context (one cache per context; the encoder is the tile service's). */
export function basemapTilesOf(app: AppContext): BasemapTiles {
  let s = services.get(app)
  if (!s) services.set(app, (s = new BasemapTiles(app.knexRead, () => tileServiceOf(app).encoder())))
  return s
}

const base = (ctx: Context) => `${ctx.protocol}://${ctx.host}`

const FIELDS = {
  water: { name: '名称 (string)', kind: '类型 (string: river lake canal reservoir pond)' },
  waterway: { name: '名称 (string)', kind: '类型 (string: river canal stream ditch)' },
  roads: { name: '道路名称 (string)', kind: '道路等级 (string: trunk main street lane path)' },
  places: { name: '地名 (string)', kind: '类型 (string: city district street community estate landmark)', rank: '标注优先级 (integer, 1 最高)' },
}
const TITLES = { water: '水系面', waterway: '河流水渠', roads: '道路', places: '地名' }

async function tileJson(app: AppContext, ctx: Context): Promise<TileJson> {
  const { rows } = await app.knexRead.raw(sqlFile('basemap/bounds'))
  const r = rows[0] as { xmin: number | null; ymin: number; xmax: number; ymax: number }
  const round = (v: number) => Math.round(v * 1e6) / 1e6
  const bounds: TileJson['bounds'] = r.xmin === null ? [-180, -85.0511, 180, 85.0511] : [round(r.xmin), round(r.ymin), round(r.xmax), round(r.ymax)]
  return {
    tilejson: '3.0.0', name: '底图', description: '底图：水系、道路、地名（公开基础地理，无需登录）', version: '1.0.0',
    attribution: 'gridgov 网格化管理平台', scheme: 'xyz', tiles: [`${base(ctx)}/tiles/basemap/{z}/{x}/{y}.mvt`],
    minzoom: BASEMAP_MIN_ZOOM, maxzoom: BASEMAP_MAX_ZOOM, bounds,
    center: [round((bounds[0] + bounds[2]) / 2), round((bounds[1] + bounds[3]) / 2), 12],
    vector_layers: (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).map((id) => ({
      id, description: TITLES[id], minzoom: BASEMAP_MIN_ZOOM, maxzoom: BASEMAP_MAX_ZOOM, fields: FIELDS[id],
    })),
  }
}

export function basemapRoutes(app: AppContext): Router {
  const router = new Router()
  const tiles = basemapTilesOf(app)
  const template = app.config.basemapWmts

  router.get('/api/v1/basemap', (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300')
    ctx.body = {
      tiles: '/tiles/basemap/{z}/{x}/{y}.mvt', tilejson: '/tiles/basemap.json',
      minzoom: BASEMAP_MIN_ZOOM, maxzoom: BASEMAP_MAX_ZOOM, tileSize: BASEMAP_TILE_SIZE,
      styles: [{ id: 'dark', title: '暗色' }, { id: 'light', title: '浅色' }], defaultStyle: 'dark',
      raster: template ? { tiles: '/tiles/basemap/raster/{z}/{x}/{y}', title: '栅格底图', maxzoom: RASTER_MAX_ZOOM } : null,
    }
  })

  router.get('/tiles/basemap.json', async (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300')
    ctx.body = await tileJson(app, ctx)
  })

  router.get('/tiles/basemap/raster/:z/:x/:y', async (ctx) => {
    const t = parseTile(ctx.params)
    if (!template) throw new AppError(404, 'basemap_raster_off', 'no raster base map is configured on this server (GRIDGOV_BASEMAP_WMTS)')
    if (t.z > RASTER_MAX_ZOOM) throw new AppError(404, 'not_found', `the raster base map stops at zoom ${RASTER_MAX_ZOOM}`)
    const tile = await fetchRaster(template, t)
    ctx.set('Cache-Control', 'public, max-age=86400')
    ctx.type = tile.type
    ctx.body = tile.bytes
  })

  router.get('/tiles/basemap/:z/:x/:y.mvt', async (ctx) => {
    const t = parseTile(ctx.params)
    ctx.set('Cache-Control', `public, max-age=${BASEMAP_CACHE_SECONDS}`)
    if (t.z < BASEMAP_MIN_ZOOM) {
      ctx.status = 204
      return
    }
    const bytes = await tiles.tile(t)
    const etag = etagOf(bytes, 'basemap')
    ctx.set('ETag', etag)
    if (matchesIfNoneMatch(ctx.get('if-none-match') || undefined, etag)) {
      ctx.status = 304
      return
    }
    ctx.type = MVT_TYPE
    ctx.body = bytes
  })
  return router
}
