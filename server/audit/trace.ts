// Tracing ids into the outbox: inside a request, the transaction-local setting gridgov.request_id
// carries the request id to the outbox rows the event history trigger writes (outbox.request_id's
// default reads it, migration 0032). Background passes have no request: the setting stays unset.
import type { Knex } from 'knex'
import { currentRequestId } from './scope.ts'

/** Sets gridgov.request_id for the rest of this transaction (one statement, only inside a request). */
export async function traceRequest(trx: Knex.Transaction): Promise<void> {
  const id = currentRequestId()
  if (id) await trx.raw("SELECT set_config('gridgov.request_id', ?, true)", [id])
}
