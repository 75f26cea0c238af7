// The audit scope of one request: its id and the records whose personal fields it delivered in
// full, collected while the request runs and written in one insert at its end (middleware.ts).
// It lives in ctx.state.audit and, for code that has no ctx (privacy/rule.ts, the intake
// statement, history appends), in an AsyncLocalStorage entered by the middleware. Free of imports
// from the capabilities, so any of them can use it without a cycle.
import { AsyncLocalStorage } from 'node:async_hooks'

/** One record delivered with personal fields in full. */
export interface FullRead {
  /** the API collection ('events', 'members') */
  type: string
  /** the public id (an event's number) */
  id: string
  /** the internal id, where known */
  recordId?: number | null
  communityCode: string | null
  /** which fields, e.g. ['reporter.name', 'reporter.phone'] */
  fields: string[]
}

export interface AuditScope {
  requestId: string
  /** full reads by type:id (a record delivered twice in one answer is one row) */
  reads: Map<string, FullRead>
  /** set by a handler that wrote its own audit row for the request (the unmask) */
  recorded: boolean
}

const storage = new AsyncLocalStorage<AuditScope>()

export function newScope(requestId: string): AuditScope {
  return { requestId, reads: new Map(), recorded: false }
}

export function runInScope<T>(scope: AuditScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn)
}

/** The scope of the request being served, or undefined in background passes. */
export function currentScope(): AuditScope | undefined {
  return storage.getStore()
}

/** The request id of the request being served (for the outbox), or null outside a request. */
export function currentRequestId(): string | null {
  return storage.getStore()?.requestId || null
}

/** Notes one record delivered in full; merged with an earlier note of the same record. */
export function noteFullRead(read: FullRead): void {
  const scope = storage.getStore()
  if (!scope || read.fields.length === 0) return
  const key = `${read.type}:${read.id}`
  const known = scope.reads.get(key)
  if (known) known.fields = [...new Set([...known.fields, ...read.fields])].sort()
  else scope.reads.set(key, { ...read, fields: [...read.fields].sort() })
}
