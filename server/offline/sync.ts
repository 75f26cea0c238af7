// Applies a field copy: new and changed components, reported events. Each feature is applied on
// its own (its own transaction, through the same write path as REST: the import pipeline for a
// new component, the event intake for a report), so one refusal does not hold back the rest, and
// the answer says per feature what happened:
//  applied   written now;
//  unchanged not edited in the field, or already on the server exactly so (a second sync of the
//            same file lands here: nothing is applied twice);
//  conflict  changed on the server since the export AND in the field: not applied, never overwritten;
//  refused   the rules said no (role, jurisdiction, validation, topology), with their reason.
// Grids, addresses, roads and events in the package are reference layers: their edits are not read.
import type { Knex } from 'knex'
import type { AppContext } from '../context.ts'
import type { Principal } from '../auth/users.ts'
import { AppError, badRequest } from '../http/errors.ts'
import { sqlFile } from '../db/sql.ts'
import { parseCrs } from '../geo/crs.ts'
import { runImport } from '../import/job.ts'
import { convertComponents } from '../import/convert.ts'
import { GRID_WRITERS } from '../grids/routes.ts'
import { intake } from '../events/intake.ts'
import { componentHash, round7 } from './layers.ts'
import type { FieldCopy, PackedComponent, PackedReport } from './upload.ts'

export type Outcome = 'applied' | 'unchanged' | 'conflict' | 'refused'
export interface FeatureResult { layer: 'components' | 'reports'; fid: number | null; id: string | null; outcome: Outcome; reason?: string; code?: string }
export interface SyncReport {
  packageId: string
  area: string
  summary: Record<Outcome, number>
  features: FeatureResult[]
}

interface ServerComponent { id: string; name: string; state: string; material: string | null; community_code: string; version: number; updated_at: string; x: number; y: number }

const CGCS2000 = parseCrs('EPSG:4490')

export async function syncFieldCopy(app: AppContext, principal: Principal, copy: FieldCopy): Promise<SyncReport> {
  const pkg = await app.knex('offline_package').where({ id: copy.packageId }).first('id', 'area_code') as { id: string; area_code: string } | undefined
  if (!pkg || pkg.area_code !== copy.areaCode) {
    throw badRequest('this GeoPackage was not exported by this server (unknown package_id): export a new one with GET /api/v1/offline/{area}.gpkg')
      .coded('offline.unknown_package', {})
  }
  if (!principal.jurisdiction.covers(pkg.area_code)) {
    throw new AppError(404, 'not_found', `no admin area ${pkg.area_code} in your jurisdiction`).coded('offline.area_not_found', { area: pkg.area_code })
  }
  const results: FeatureResult[] = []
  const seen = new Set<string>()
  for (const c of copy.components) {
    seen.add(c.id)
    const r = await syncComponent(app, principal, copy, c)
    if (r) results.push(r)
  }
  for (const [id] of copy.baseline) {
    if (!seen.has(id)) results.push({ layer: 'components', fid: null, id, outcome: 'refused', code: 'offline.delete_not_synced', reason: 'deleting a component is not synchronised: delete it through WFS-T or ask the district centre' })
  }
  for (const r of copy.reports) results.push(await syncReport(app.knex, principal, copy.packageId, r))
  const summary: Record<Outcome, number> = { applied: 0, unchanged: 0, conflict: 0, refused: 0 }
  for (const r of results) summary[r.outcome]++
  const report: SyncReport = { packageId: copy.packageId, area: pkg.area_code, summary, features: results }
  await app.knex('offline_sync').insert({
    package_id: copy.packageId, user_id: principal.userId, applied: summary.applied, conflicts: summary.conflict, refused: summary.refused,
    report: JSON.stringify(report),
  })
  return report
}

const hashOf = (s: ServerComponent) => componentHash({ id: s.id, name: s.name, state: s.state, material: s.material, x: Number(s.x), y: Number(s.y) })

/** One component; undefined when it was not edited in the field (not worth a line of the report). */
async function syncComponent(app: AppContext, p: Principal, copy: FieldCopy, c: PackedComponent): Promise<FeatureResult | undefined> {
  const base = copy.baseline.get(c.id)
  const hash = componentHash(c)
  if (base && base.hash === hash) return undefined
  const result = (outcome: Outcome, reason?: string, code?: string): FeatureResult =>
    ({ layer: 'components', fid: c.fid, id: c.id || null, outcome, ...(reason ? { reason } : {}), ...(code ? { code } : {}) })
  const { rows } = await app.knex.raw(sqlFile('offline/component_read'), { id: c.id, patterns: p.jurisdiction.patterns }) as { rows: ServerComponent[] }
  const server = rows[0]
  if (server && hashOf(server) === hash) return result('unchanged', 'already on the server as in the package')
  if (!base) {
    if (server) return result('conflict', `component ${c.id} was added on the server since the export, with other values`, 'offline.conflict')
    if (!GRID_WRITERS.includes(p.role)) return result('refused', `role ${p.role} may not add components`, 'auth.role_forbidden')
    return applied(result, () => runImport(app.knex, p, [feature(c, c.community)], { kind: 'component', dryRun: false, crs: CGCS2000 }))
  }
  if (!server) return result('conflict', `component ${c.id} was deleted on the server (or left your jurisdiction) since the export`, 'offline.conflict')
  if (base.version !== null && Number(server.version) !== base.version) {
    return result('conflict', `component ${c.id} changed on the server since the export (version ${base.version} → ${server.version}); the field edit was not applied`, 'offline.conflict')
  }
  if (!GRID_WRITERS.includes(p.role)) return result('refused', `role ${p.role} may not change components`, 'auth.role_forbidden')
  return applied(result, () => updateComponent(app.knex, c, server))
}

async function applied(result: (o: Outcome, reason?: string, code?: string) => FeatureResult, write: () => Promise<unknown>): Promise<FeatureResult> {
  try {
    await write()
    return result('applied')
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err
    // the import's rule messages name the broken rule of this feature (id taken, outside its community …)
    const v = (err.extra.violations ?? err.extra.problems) as { message?: string }[] | undefined
    const detail = v?.length ? v.map((x) => x.message).filter(Boolean).join('; ') || err.detail : err.detail
    return result(err.status === 409 ? 'conflict' : 'refused', detail, err.code ?? err.type)
  }
}

const feature = (c: PackedComponent, community: string) => ({
  geometry: { type: 'Point', coordinates: [c.x, c.y] },
  properties: { id: c.id, name: c.name, state: c.state, material: c.material, communityCode: community },
})

/** A changed component: the import's validation of a component, then the optimistic update. */
async function updateComponent(knex: Knex, c: PackedComponent, server: ServerComponent): Promise<void> {
  // the id and community are the server's: the field may not renumber or move a component to another community's register
  convertComponents([feature({ ...c, id: server.id }, server.community_code)], CGCS2000)
  const { rows } = await knex.raw(sqlFile('offline/component_update'), {
    id: server.id, version: server.version, name: c.name.slice(0, 100), state: c.state, material: c.material, x: round7(c.x), y: round7(c.y),
  }) as { rows: unknown[] }
  if (rows.length) return
  const { rows: now } = await knex.raw('SELECT version FROM component WHERE id = ?', [server.id]) as { rows: { version: number }[] }
  if (now[0] && Number(now[0].version) !== Number(server.version)) {
    throw new AppError(409, 'conflict', `component ${server.id} changed on the server while the sync ran`).coded('offline.conflict', {})
  }
  throw badRequest(`component ${server.id} lies outside its community ${server.community_code}`).coded('offline.outside_community', { community: server.community_code })
}

/** A report becomes an event through the intake, keyed so a second sync replays it instead of filing it again. */
async function syncReport(knex: Knex, p: Principal, packageId: string, r: PackedReport): Promise<FeatureResult> {
  const body = {
    channel: p.role === 'grid_inspector' ? 'inspector_app' : 'superior',
    demandType: r.demandType || '投诉举报', classCode: r.classCode, description: r.description,
    location: { x: r.x, y: r.y, crs: 'EPSG:4490' },
    ...(r.address ? { address: r.address } : {}), ...(r.priority !== null ? { priority: r.priority } : {}),
  }
  try {
    const out = await intake(knex, p, body, `offline-${packageId}-${r.fid}`)
    return { layer: 'reports', fid: r.fid, id: out.number, outcome: out.status === 200 ? 'unchanged' : 'applied', ...(out.status === 200 ? { reason: 'already reported by an earlier sync' } : {}) }
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err
    return { layer: 'reports', fid: r.fid, id: null, outcome: err.status === 409 ? 'conflict' : 'refused', reason: err.detail, code: err.code ?? err.type }
  }
}
