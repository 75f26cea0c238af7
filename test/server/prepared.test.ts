// Named statements (server/db/prepared.ts) on a session that already holds one of the same name
// that the pooled client does not know of: what the embedded engine does when its one pooled
// connection is replaced (PGlite is one session behind its socket, so the statements an earlier
// connection prepared are still there). It was a 500 on every intake after a test idled.
import { expect } from 'chai'
import knexFactory, { type Knex } from 'knex'
import type pg from 'pg'
import { getTestDatabase } from '../support/db.ts'
import { runNamed } from '../../server/db/prepared.ts'

describe('db: named statements survive a session that already prepared them', () => {
  let knex: Knex
  let own: Knex | undefined

  before(async () => {
    const t = await getTestDatabase()
    // one connection, so the PREPARE below and runNamed meet the same session; the embedded
    // engine's pool has exactly one already (a second connection to its socket is not a new session)
    if (t.db.mode === 'external') own = knexFactory({ client: 'pg', connection: t.url, pool: { min: 0, max: 1 } })
    knex = own ?? t.db.knex
  })

  after(async () => {
    await own?.destroy()
  })

  it('drops the stale statement and prepares its own (42P05 is not an error of the caller)', async () => {
    const conn = await knex.client.acquireConnection() as pg.PoolClient
    try {
      // a statement of the same name, prepared behind the client's back (as by an earlier connection)
      await conn.query('DEALLOCATE ALL')
      await conn.query("PREPARE gridgov_health_primary_lsn AS SELECT 'stale'::text AS lsn")
    } finally {
      await knex.client.releaseConnection(conn)
    }
    const rows = await runNamed<{ lsn: string }>(knex, 'health/primary_lsn', {})
    expect(rows).to.have.length(1)
    // ours ran, not the stale one: a WAL position reads like 0/1A2B3C4
    expect(rows[0]!.lsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/)
    // and again, now that the client knows it
    expect((await runNamed<{ lsn: string }>(knex, 'health/primary_lsn', {}))[0]!.lsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/)
  })
})
