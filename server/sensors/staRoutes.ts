// /ogc/sta/v1.1: the OGC SensorThings API 1.1 (sensing core, create/update/delete, CreateObservations
// of the data-array extension; the MQTT extension lives in mqtt.ts). Resource paths are one or two
// segments: `Things`, `Things(1)`, `Things(1)/Datastreams`, `Datastreams(1)/Thing`, `Things(1)/name`.
// Errors are the JSON the standard's servers answer ({code, type, message}).
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { AppError, notFound, registerErrorFormat, type ErrorFormat } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { publicOrigin } from '../ogc/common/url.ts'
import { entitySets, isSetName, setNames, type EntitySet, type SetName } from './sta/entities.ts'
import { parseOptions, readCollection, readEntity, type ReadContext, type Where } from './sta/query.ts'
import { createEntity, deleteEntity, patchEntity, visible } from './sta/write.ts'
import { fromBody, fromDataArrays, ingest } from './ingest.ts'
import { sensorMessagesZh } from './messagesZh.ts'
import { STA_WRITERS } from './roles.ts'

export const STA_BASE = '/ogc/sta/v1.1'

const staErrorFormat: ErrorFormat = {
  matches: (path) => path === STA_BASE || path.startsWith(`${STA_BASE}/`),
  write(ctx, err, requestId) {
    const internal = err.status >= 500 && !err.code
    ctx.type = 'application/json'
    ctx.body = { code: err.status, type: 'error', message: internal ? `internal error (request id ${requestId})` : err.detail, ...(internal ? {} : err.extra) }
  },
}

interface Segment { set: SetName; id?: number }
function segment(text: string): Segment {
  const m = /^([A-Za-z]+)(?:\((\d{1,15})\))?$/.exec(text)
  if (!m || !isSetName(m[1]!)) throw noResource(text)
  return { set: m[1] as SetName, ...(m[2] ? { id: Number(m[2]) } : {}) }
}
const noResource = (path: string) => notFound(`no SensorThings resource ${path}`).coded('sensors.no_resource', { path })
const notVisible = (set: SetName, id: number) => notFound(`no ${entitySets[set].singular} ${id}`).coded('sensors.not_found', { set: entitySets[set].singular, id })

function query(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(ctx.query)) if (v !== undefined) out[k] = Array.isArray(v) ? v[v.length - 1]! : v
  return out
}

export function staRoutes(app: AppContext): Router {
  registerMessages('zh', sensorMessagesZh)
  registerErrorFormat(staErrorFormat)
  const router = new Router({ prefix: STA_BASE })
  const reader = requireRole()
  const writer = requireRole(...STA_WRITERS)
  const base = (ctx: Context) => `${publicOrigin(ctx, app)}${STA_BASE}`
  const rc = (ctx: Context): ReadContext => ({ db: app.knexRead, jurisdiction: principalOf(ctx).jurisdiction, base: base(ctx) })
  const nextUrl = (ctx: Context) => (skip: number) => {
    const q = new URLSearchParams(query(ctx))
    q.set('$skip', String(skip))
    return `${publicOrigin(ctx, app)}${ctx.path}?${q.toString().replace(/%24/g, '$')}`
  }
  const mustSee = async (ctx: Context, s: Segment & { id: number }) => {
    if (!await visible(app.knexRead, principalOf(ctx), s.set, s.id)) throw notVisible(s.set, s.id)
  }

  router.get('/', reader, (ctx) => {
    ctx.body = {
      value: setNames.map((n) => ({ name: n, url: `${base(ctx)}/${n}` })),
      serverSettings: {
        conformance: [
          'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel', 'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities',
          'http://www.opengis.net/spec/iot_sensing/1.1/req/request-data', 'http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete',
          'http://www.opengis.net/spec/iot_sensing/1.1/req/data-array/data-array', 'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation',
          'http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates',
        ],
      },
    }
  })

  router.get('/:resource', reader, async (ctx) => {
    const s = segment(ctx.params.resource!)
    const set = entitySets[s.set]
    const o = parseOptions(query(ctx), set)
    if (s.id === undefined) { ctx.body = await readCollection(rc(ctx), set, o, [], nextUrl(ctx)); return }
    const e = await readEntity(rc(ctx), set, o, [{ sql: 'c.id = ?', bindings: [s.id] }])
    if (!e) throw notVisible(s.set, s.id)
    ctx.body = e
  })

  router.get('/:resource/:navigation', reader, async (ctx) => {
    const s = segment(ctx.params.resource!)
    if (s.id === undefined) throw noResource(ctx.path)
    const parent = entitySets[s.set]
    const name = ctx.params.navigation!
    const nav = parent.nav[name]
    if (!nav) {
      // a property of the entity: {name: value}
      if (!parent.props[name] || name === 'id') throw noResource(ctx.path)
      const e = await readEntity(rc(ctx), parent, parseOptions({ $select: name }, parent), [{ sql: 'c.id = ?', bindings: [s.id] }])
      if (!e) throw notVisible(s.set, s.id)
      ctx.body = { [name]: e[name] }
      return
    }
    await mustSee(ctx, s as Segment & { id: number })
    const target = entitySets[nav.target]
    const where: Where = { sql: `EXISTS (SELECT 1 FROM ${parent.table} p WHERE p.id = ? AND ${nav.on})`, bindings: [s.id] }
    const o = parseOptions(query(ctx), target)
    if (nav.many) { ctx.body = await readCollection(rc(ctx), target, o, [where], nextUrl(ctx)); return }
    const e = await readEntity(rc(ctx), target, o, [where])
    if (!e) throw noResource(ctx.path)
    ctx.body = e
  })

  const created = async (ctx: Context, set: EntitySet, id: number) => {
    const e = await readEntity({ ...rc(ctx), db: app.knex }, set, parseOptions({}, set), [{ sql: 'c.id = ?', bindings: [id] }])
    ctx.status = 201
    ctx.set('Location', String(e!['@iot.selfLink']))
    ctx.body = e
  }

  router.post('/:resource', writer, async (ctx) => {
    const p = principalOf(ctx)
    if (ctx.params.resource === 'CreateObservations') {
      const rows = await ingest(app.knex, p, fromDataArrays(ctx.request.body))
      ctx.status = 201
      ctx.body = rows.map((r) => `${base(ctx)}/Observations(${r.id})`)
      return
    }
    const s = segment(ctx.params.resource!)
    if (s.id !== undefined) throw new AppError(405, 'method_not_allowed', 'POST goes to a collection').coded('sensors.not_creatable', { set: s.set })
    if (s.set === 'Observations') {
      const [r] = await ingest(app.knex, p, [fromBody(ctx.request.body, undefined)])
      await created(ctx, entitySets.Observations, r!.id)
      return
    }
    await created(ctx, entitySets[s.set], await createEntity(app.knex, p, s.set, ctx.request.body))
  })

  router.post('/:resource/:navigation', writer, async (ctx) => {
    const p = principalOf(ctx)
    const s = segment(ctx.params.resource!)
    const nav = s.id === undefined ? undefined : entitySets[s.set].nav[ctx.params.navigation!]
    if (!nav || !nav.many || s.id === undefined) throw noResource(ctx.path)
    await mustSee(ctx, s as Segment & { id: number })
    if (s.set === 'Datastreams' && nav.target === 'Observations') {
      const [r] = await ingest(app.knex, p, [fromBody(ctx.request.body, s.id)])
      await created(ctx, entitySets.Observations, r!.id)
      return
    }
    await created(ctx, entitySets[nav.target], await createEntity(app.knex, p, nav.target, ctx.request.body, { set: s.set, id: s.id }))
  })

  router.patch('/:resource', writer, async (ctx) => {
    const s = segment(ctx.params.resource!)
    if (s.id === undefined || s.set === 'Observations' || s.set === 'HistoricalLocations') throw noResource(ctx.path)
    await patchEntity(app.knex, principalOf(ctx), s.set, s.id, ctx.request.body)
    ctx.body = await readEntity({ ...rc(ctx), db: app.knex }, entitySets[s.set], parseOptions({}, entitySets[s.set]), [{ sql: 'c.id = ?', bindings: [s.id] }])
  })

  router.delete('/:resource', writer, async (ctx) => {
    const s = segment(ctx.params.resource!)
    if (s.id === undefined) throw noResource(ctx.path)
    await deleteEntity(app.knex, principalOf(ctx), s.set, s.id)
    ctx.status = 200
    ctx.body = {}
  })
  return router
}
