// /api/v1/public: what the pages show before anyone signs in. The residents' endpoints are in
// reportRoutes.ts and ../notices/publicRoutes.ts. The outline: only the city and district
// outlines with their names: public administrative boundaries that any printed map carries, so
// the command screen opens on its city instead of an empty dark canvas. Served from the database
// (not baked into the bundle at build time) because each deployment imports its own city.
// No authentication; cacheable (public, max-age, ETag): a wall screen reloads it for free.
import crypto from 'node:crypto'
import Router from '@koa/router'
import type { AppContext } from '../context.ts'
import { sqlFile } from '../db/sql.ts'
import { MAX_AGE, RELATIVE } from './openapi.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { publicMessagesZh } from './messagesZh.ts'
import { mountReportRoutes } from './reportRoutes.ts'
import { mountPublicNotices } from '../notices/publicRoutes.ts'

interface OutlineRow { code: string; level: string; name: string; parent_code: string | null; geometry: unknown; label: { coordinates: [number, number] } }
interface Outline { body: string; etag: string; at: number }

export function publicRoutes(app: AppContext): Router {
  registerMessages('zh', publicMessagesZh)
  const router = new Router({ prefix: '/api/v1/public' })
  // the residents' page (server/public/reportRoutes.ts) and the public read of notices (server/notices/)
  mountReportRoutes(router, app)
  mountPublicNotices(router, app)
  let kept: Promise<Outline> | undefined

  const compute = async (): Promise<Outline> => {
    const { rows } = await app.knex.raw(sqlFile('public/outline'), { relative: RELATIVE }) as { rows: OutlineRow[] }
    const body = JSON.stringify({
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature', id: r.code, geometry: r.geometry,
        properties: { code: r.code, level: r.level, name: r.name, parentCode: r.parent_code, label: r.label.coordinates },
      })),
    })
    return { body, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"`, at: Date.now() }
  }

  router.get('/outline', async (ctx) => {
    // one computation shared by concurrent callers; a failed one is forgotten, not kept
    if (!kept) kept = compute().catch((err: unknown) => { kept = undefined; throw err })
    let outline = await kept
    if (Date.now() - outline.at > MAX_AGE * 1000) {
      kept = compute().catch((err: unknown) => { kept = undefined; throw err })
      outline = await kept
    }
    ctx.set('Cache-Control', `public, max-age=${MAX_AGE}`)
    ctx.set('ETag', outline.etag)
    ctx.type = 'application/geo+json'
    ctx.status = 200
    if (ctx.fresh) {
      ctx.status = 304
      return
    }
    ctx.body = outline.body
  })
  return router
}
