// The access audit middleware (registered in server/app.ts, inside the error middleware and
// before body parsing): opens the request's audit scope (scope.ts), lets the request run, then
// writes its rows in ONE insert: the request's own row when it is a change, a sign-in or -out or
// a read of the audit (rows.ts), and one row per record whose personal fields it delivered in full.
//
// A failed audit write is logged at error level ('AUDIT WRITE FAILED', with the rows) either way.
// A read (GET/HEAD) that delivered personal fields in full then fails (503 audit.unavailable): its
// answer has not left yet, and personal data is not handed out unrecorded. A change is answered
// as done, full fields included: it is committed, and failing the answer would invite a retry of
// a change that happened (its event history still names who acted).
import type { Context, Next } from 'koa'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import { AppError, toAppError } from '../http/errors.ts'
import { principalOf } from '../http/auth.ts'
import { newScope, runInScope } from './scope.ts'
import { rowsOf } from './rows.ts'
import { writeAuditRows } from './write.ts'

export function auditRequests(knex: Knex, logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const scope = newScope(String(ctx.state.requestId ?? ''))
    ctx.state.audit = scope
    let failure: unknown
    try {
      await runInScope(scope, next)
    } catch (err) {
      failure = err
    }
    const status = failure === undefined ? ctx.status : toAppError(failure).status
    const rows = rowsOf(ctx, principalOf(ctx), scope, status)
    if (rows.length) {
      try {
        await writeAuditRows(knex, rows)
      } catch (err) {
        const log: Logger = ctx.state.log ?? logger
        log.error({ err, audit: rows }, 'AUDIT WRITE FAILED: access audit rows lost')
        if (failure === undefined && (ctx.method === 'GET' || ctx.method === 'HEAD') && rows.some((r) => r.personal)) {
          throw new AppError(503, 'service_unavailable', 'the access audit could not be written; personal data is not answered unrecorded')
            .coded('audit.unavailable')
        }
      }
    }
    if (failure !== undefined) throw failure
  }
}
