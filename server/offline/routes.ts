// /api/v1/offline: the field copy of an admin area. GET {area}.gpkg (GeoPackage: features in
// CGCS2000 with the sync baseline) or {area}.mbtiles (vector tiles); POST {area}/sync takes the
// edited GeoPackage back as the raw body and answers a per-feature report (sync.ts).
// Files are built in a private temp directory and streamed, then deleted: a district's package
// never sits in memory whole.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import type { Role } from '../auth/roles.ts'
import { badRequest } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { registerMessages } from '../http/messages/registry.ts'
import { buildPackage, findArea } from './export.ts'
import { buildMbtiles } from './mbtiles.ts'
import { checkMagic, DEFAULT_SYNC_MAX_BYTES, readFieldCopy, receive } from './upload.ts'
import { syncFieldCopy } from './sync.ts'
import { offlineMessagesZh } from './messagesZh.ts'

/** Staff who work in the field or prepare its maps; residents, third parties and auditors do not. */
export const OFFLINE_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst']

const FILE = /^([0-9]{12})\.(gpkg|mbtiles)$/
export const MEDIA = { gpkg: 'application/geopackage+sqlite3', mbtiles: 'application/vnd.mapbox-vector-tile+mbtiles' } as const

async function scratch(): Promise<{ dir: string; remove: () => void }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'gridgov-offline-'))
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }, () => undefined) }
}

/** Streams the file and removes the directory once the answer is sent (or the client left). */
function sendFile(ctx: Context, file: string, type: string, name: string, remove: () => void): void {
  const stream = fs.createReadStream(file)
  stream.on('close', remove)
  ctx.type = type
  ctx.length = fs.statSync(file).size
  ctx.set('Content-Disposition', `attachment; filename="${name}"`)
  ctx.set('Cache-Control', 'private, no-store')
  ctx.body = stream
}

export function offlineRoutes(app: AppContext): Router {
  registerMessages('zh', offlineMessagesZh)
  const router = new Router({ prefix: '/api/v1/offline' })
  const allowed = requireRole(...OFFLINE_ROLES)

  router.get('/:file', allowed, async (ctx) => {
    const m = FILE.exec(String(ctx.params.file))
    if (!m) throw badRequest('ask for {area}.gpkg or {area}.mbtiles, {area} a 12-digit admin code', { field: 'file' }).coded('offline.bad_file', {})
    const p = principalOf(ctx)
    const area = await findArea(app.knex, m[1]!, p)
    const format = m[2] as 'gpkg' | 'mbtiles'
    const tmp = await scratch()
    try {
      const file = path.join(tmp.dir, `${area.code}.${format}`)
      if (format === 'gpkg') {
        const r = await buildPackage(app, file, area, p)
        ctx.set('X-Package-Id', r.packageId)
      } else {
        await buildMbtiles(app, file, area, p)
      }
      sendFile(ctx, file, MEDIA[format], `${area.code}.${format}`, tmp.remove)
    } catch (err) {
      tmp.remove()
      throw err
    }
  })

  router.post('/:area/sync', allowed, async (ctx) => {
    const p = principalOf(ctx)
    const code = String(ctx.params.area)
    await findArea(app.knex, code, p)
    const tmp = await scratch()
    try {
      const file = path.join(tmp.dir, 'upload.gpkg')
      await receive(ctx, file, app.config.offlineSyncMaxBytes ?? DEFAULT_SYNC_MAX_BYTES)
      await checkMagic(file)
      const copy = readFieldCopy(file)
      if (copy.areaCode !== code) {
        throw badRequest(`this package is of area ${copy.areaCode.slice(0, 12)}, not ${code}`, { field: 'area' })
          .coded('offline.area_mismatch', { packageArea: copy.areaCode.slice(0, 12), area: code })
      }
      ctx.body = await syncFieldCopy(app, p, copy)
    } finally {
      tmp.remove()
    }
  })

  return router
}
