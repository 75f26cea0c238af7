// Which failures are "the database is away" (answered 503 + Retry-After, coded db.unavailable)
// and which are not (a fault of the request or of our SQL stays what it was). Runs on both
// engines: the app below talks to a port where no database listens.
import { expect } from 'chai'
import knexFactory from 'knex'
import { isDatabaseUnavailable } from '../../server/db/unavailable.ts'
import { freePort } from '../../server/cli/cluster/postgres.ts'
import { getTestContext } from '../support/db.ts'
import { testClient } from '../support/http.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

const quiet = () => undefined
const err = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props)

describe('database unavailable → 503 with Retry-After', () => {
  it('recognises connection failures: socket errors, SQLSTATE 08/57P0x/53300, pg and knex wordings, wrapped causes', () => {
    for (const e of [
      err({ code: 'ECONNREFUSED', syscall: 'connect' }), err({ code: 'ECONNRESET' }), err({ code: 'ENOENT', syscall: 'connect' }),
      err({ code: '57P01' }), err({ code: '57P03' }), err({ code: '08006' }), err({ code: '53300' }),
      new Error('Connection terminated unexpectedly'), new Error('select * from "event" where "id" = $1 - Connection terminated unexpectedly'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
      new Error('outer', { cause: err({ code: 'ECONNREFUSED', syscall: 'connect' }) }),
    ]) expect(isDatabaseUnavailable(e), String(e.message)).to.equal(true)
  })

  it('leaves other failures alone: constraint and data errors, a missing file, wording inside SQL, hostile shapes', () => {
    const cyclic = new Error('a') as Error & { cause?: unknown }
    cyclic.cause = cyclic
    for (const e of [
      err({ code: '23505' }), err({ code: '22P02' }), err({ code: '57014' }) /* statement timeout: a slow query, not an outage */,
      err({ code: 'ENOENT', syscall: 'open' }), err({ code: 12345 }), err({ code: '08' + 'x'.repeat(10_000) }),
      new Error("select 'Connection terminated unexpectedly' as t - syntax error at or near"),
      new Error('\u0000Connection terminated'), cyclic, null, undefined, 'Connection terminated', 42, { message: 'x'.repeat(1_000_000) },
    ]) expect(isDatabaseUnavailable(e), String((e as Error)?.message ?? e).slice(0, 80)).to.equal(false)
  })

  it('answers 503 problem JSON coded db.unavailable with Retry-After (and in Chinese), /health 503, never a 500', async () => {
    const port = await freePort() // nobody listens here
    const down = knexFactory({ client: 'pg', connection: `postgres://x:y@127.0.0.1:${port}/z`, pool: { min: 0, max: 2 }, acquireConnectionTimeout: 10_000,
      log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet } })
    const base = await getTestContext()
    const client = await testClient({ ...base, knex: down, knexRead: down })
    try {
      const login = await client.post('/api/v1/auth/login', { username: 'command', password: DEMO_PASSWORD }, { 'accept-language': 'zh-CN' })
      expect(login.statusCode, login.body).to.equal(503)
      expect(login.headers['retry-after']).to.equal('5')
      expect(login.headers['content-type']).to.match(/application\/problem\+json/)
      expect(login.json()).to.include({ status: 503, code: 'db.unavailable', detail: '数据库暂时无法连接，请 5 秒后重试' })
      expect(login.json().params).to.deep.equal({ retryAfter: 5 })
      const wfs = await client.get('/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=gridgov:events_all', { authorization: 'Basic ' + Buffer.from(`command:${DEMO_PASSWORD}`).toString('base64') })
      expect(wfs.statusCode).to.equal(503)
      expect(wfs.body).to.match(/ExceptionReport[\s\S]*database is not reachable/)
      const health = await client.get('/health')
      expect(health.statusCode).to.equal(503)
      expect(health.json().database.ready).to.equal(false)
      // positive control: the same app over the working database answers
      const ok = await (await testClient(base)).post('/api/v1/auth/login', { username: 'command', password: DEMO_PASSWORD })
      expect(ok.statusCode, ok.body).to.equal(200)
    } finally {
      await down.destroy()
    }
  })
})
