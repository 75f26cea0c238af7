import { expect } from 'chai'
import knexFactory from 'knex'
import { testClient } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'

describe('/health', () => {
  it('reports ready with the database mode, PostGIS and schema version', async () => {
    const client = await testClient()
    const res = await client.get('/health')
    expect(res.statusCode).to.equal(200)
    const body = res.json()
    expect(body.status).to.equal('ok')
    expect(body.database.ready).to.equal(true)
    expect(body.database.mode).to.equal(process.env.DATABASE_URL ? 'external' : 'embedded')
    expect(body.database.postgis).to.match(/^3\./)
    expect(body.database.schema_version).to.match(/^\d{4}$/)
    expect(res.headers['x-request-id']).to.be.a('string')
    expect(res.headers['cache-control']).to.equal('no-store')
  })

  it('answers 503 when the database is unreachable', async () => {
    const ctx = await getTestContext()
    const dead = knexFactory({ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none', pool: { min: 0, max: 1 }, acquireConnectionTimeout: 2000,
      log: { warn: () => undefined, error: () => undefined } })
    try {
      const res = await (await testClient({ ...ctx, knex: dead })).get('/health')
      expect(res.statusCode).to.equal(503)
      expect(res.json()).to.deep.include({ status: 'unavailable' })
      expect(res.json().database.ready).to.equal(false)
    } finally {
      await dead.destroy()
    }
  })

  it('keeps a sane caller request id and replaces a hostile one', async () => {
    const client = await testClient()
    expect((await client.get('/health', { 'x-request-id': 'abc-123' })).headers['x-request-id']).to.equal('abc-123')
    const hostile = await client.get('/health', { 'x-request-id': '<script>\n' + 'x'.repeat(300) })
    expect(hostile.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/)
  })
})
