// The features an Update or Delete changes: its filter compiled by the one filter compiler
// (server/ogc/filter), within the layer's static predicate and the caller's jurisdiction, locked
// until the transaction ends (by the capability's own place locks where it has them, as grids
// do, else the rows: the same order as REST, so no deadlock). Then the optimistic checks:
// - every feature the filter names by id (fes:ResourceId rid, ogc:FeatureId fid, GmlObjectId)
//   must exist in the caller's jurisdiction: a feature deleted meanwhile, or someone else's,
//   refuses the transaction (naming it) instead of silently changing nothing;
// - a ResourceId with a version ("3", or an instant) must still be at that version: the layer's
//   `version` property (grids: the boundary version; components: every change, migration 0045),
//   or, for an instant, unchanged since it (updated_at).
import type { Knex } from 'knex'
import type { Principal } from '../../auth/users.ts'
import type { CompiledLayer } from '../common/featureSource.ts'
import { ident } from '../common/sql.ts'
import type { XmlNode } from '../common/xml.ts'
import { compileFilter, type FilterContext } from '../filter/index.ts'
import { idOf, idOperators, keysFor } from '../filter/resourceId.ts'
import { parseClientInstant } from '../../http/dates.ts'
import { MAX_TRANSACTION_FEATURES, refusal } from './transactionParse.ts'
import type { Target } from './transactionWriters.ts'

interface Row { k: string; place: string; version: number | null; updated_at: Date }

/** The keys the filter selects, locked (by `lockPlaces`, else row locks), after the optimistic checks. */
export async function selectTargets(trx: Knex.Transaction, principal: Principal, filter: XmlNode, ctx: FilterContext, where: string,
  lockPlaces?: (places: string[]) => Promise<void>): Promise<Target[]> {
  const s = ctx.source
  const predicate = compileFilter(filter, ctx)
  if (lockPlaces) {
    const seen = await select(trx, s, principal, predicate.text, predicate.values, MAX_TRANSACTION_FEATURES + 1, false)
    await lockPlaces([...new Set(seen.map((r) => r.place))].sort())
  }
  const rows = await select(trx, s, principal, predicate.text, predicate.values, MAX_TRANSACTION_FEATURES + 1, !lockPlaces)
  if (rows.length > MAX_TRANSACTION_FEATURES) {
    throw refusal(400, 'OperationProcessingFailed', where, `the filter selects more than ${MAX_TRANSACTION_FEATURES} features`)
      .coded('wfst.too_many', { max: MAX_TRANSACTION_FEATURES })
  }
  const found = new Map(rows.map((r) => [r.k, r]))
  for (const id of namedIds(filter)) {
    const [key] = keysFor(s, [id.rid])
    const row = key === undefined ? undefined : found.get(key) ?? (await select(trx, s, principal, `${s.key}::text = ?`, [key], 1, false))[0]
    if (!row) {
      throw refusal(404, 'OperationProcessingFailed', id.rid, `feature ${id.rid} does not exist in your jurisdiction (deleted, or never yours)`)
        .coded('wfst.feature_missing', { feature: id.rid })
    }
    if (id.version !== undefined) checkVersion(id.rid, id.version, row, where)
  }
  return rows.map((r) => ({ key: r.k, locator: `${s.layer.id}.${r.k}`, version: r.version ?? undefined }))
}

async function select(trx: Knex.Transaction, s: CompiledLayer, principal: Principal, predicate: string, values: unknown[], limit: number,
  lockRows: boolean): Promise<Row[]> {
  // identifiers and the static predicate come from the catalogue (compileLayer); values are bound
  const text = `SELECT (${s.key})::text AS k, t.${ident(s.layer.adminColumn)} AS place, t.version, t.updated_at FROM ${s.from} ` +
    `WHERE ${s.where} AND (${predicate}) ORDER BY ${s.key} LIMIT ?${lockRows ? ' FOR UPDATE OF t' : ''}`
  const result = await trx.raw(text, [principal.jurisdiction.patterns, ...values, limit] as Knex.RawBinding[])
  return result.rows as Row[]
}

/** Every id element of the filter, wherever it sits, with its version when it has one. */
function namedIds(node: XmlNode): { rid: string; version?: string }[] {
  if (idOperators.includes(node.name)) return [{ rid: idOf(node), ...(node.attrs.version ? { version: node.attrs.version } : {}) }]
  return node.children.flatMap(namedIds)
}

function checkVersion(rid: string, version: string, row: Row, where: string): void {
  if (version === 'LATEST') return
  if (/^\d{1,9}$/.test(version)) {
    if (row.version !== null && Number(version) !== Number(row.version)) {
      throw refusal(409, 'OperationProcessingFailed', rid, `feature ${rid} has changed: you read version ${version}, it is now version ${row.version}`)
        .coded('wfst.stale_version', { feature: rid, version, current: Number(row.version) })
    }
    return
  }
  const at = parseClientInstant(version, { zoneless: 'shanghai' })
  if (!at) {
    throw refusal(400, 'InvalidValue', where, `ResourceId version "${version.slice(0, 40)}" must be a version number, an instant or LATEST`)
      .coded('wfst.bad_version', { feature: rid })
  }
  if (new Date(row.updated_at).getTime() > at.getTime()) {
    throw refusal(409, 'OperationProcessingFailed', rid, `feature ${rid} has changed since ${version}`)
      .coded('wfst.stale_version', { feature: rid, version, current: Number(row.version) })
  }
}
