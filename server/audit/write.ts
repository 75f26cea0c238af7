// Writing the access audit: the one insert of a request's rows (middleware.ts) and the unmask's
// own row, written before its answer leaves (privacy/unmask.ts answers the row's id and time).
import type { Context } from 'koa'
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import type { Principal } from '../auth/users.ts'
import type { AuditScope, FullRead } from './scope.ts'
import type { AuditRow } from './rows.ts'

/** Writes audit rows in one statement; answers their ids and times in order. */
export async function writeAuditRows(db: Knex | Knex.Transaction, rows: AuditRow[]): Promise<{ id: string; at: Date }[]> {
  const { rows: out } = await db.raw(sqlFile('audit/insert'), { rows: JSON.stringify(rows) }) as { rows: { id: string; at: Date }[] }
  return out
}

/**
 * Records an explicit unmask of one record with its reason, as the request's own row (the
 * middleware then writes none for it). A failure fails the unmask: nothing is answered unrecorded.
 */
export async function recordUnmask(knex: Knex, ctx: Context, p: Principal, rec: FullRead, reason: string): Promise<{ id: number; at: Date }> {
  const scope = ctx.state.audit as AuditScope | undefined
  const [row] = await writeAuditRows(knex, [{
    request_id: String(ctx.state.requestId ?? ''), user_id: p.userId, username: p.username, role: p.role, principal_kind: p.kind,
    client_address: ctx.ip || null, method: ctx.method, path: ctx.path.slice(0, 1000), action: 'unmask', resource_type: rec.type,
    resource_id: rec.id, record_id: rec.recordId ?? null, community_code: rec.communityCode, personal: true, fields: rec.fields,
    status: 200, city_code: p.cityCode, reason,
  }])
  if (scope) scope.recorded = true
  return { id: Number(row!.id), at: row!.at }
}
