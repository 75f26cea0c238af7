// A real WFS client sees user-defined fields typed: GDAL's WFS driver (ogrinfo) against a
// listening gridgov reads the field types from DescribeFeatureType and the values from GetFeature.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { createApp } from '../../server/app.ts'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { A, polygon, setUp, tearDown } from '../grids/fixture.ts'
import { haveGdal } from '../import/formatFiles.ts'
import { openOwnContext } from '../support/ownDatabase.ts'
import type { AppContext } from '../../server/context.ts'

const run = promisify(execFile)

describe('user-defined fields in a real WFS client (ogrinfo)', function () {
  this.timeout(120_000)
  // its own database: it changes grids or components that other files read from the shared one
  let own: { close(): Promise<void> } & { context: AppContext } | undefined
  let client: Client
  let knex: Knex
  let server: http.Server
  let base: string
  let analyst: Record<string, string>
  const code = `${A}001`
  const fields = [
    { name: 'manager', label: '网格负责人', type: 'text' },
    { name: 'floors', label: '楼层数', type: 'integer' },
    { name: 'weight', label: '权重', type: 'number' },
    { name: 'surveyed_on', label: '调查日期', type: 'date' },
  ]
  const send = (method: 'POST' | 'DELETE', url: string, body?: unknown) =>
    client.request({ method, url, headers: { 'content-type': 'application/json', ...analyst }, payload: body === undefined ? undefined : JSON.stringify(body) })

  before(async function () {
    if (!haveGdal()) this.skip() // ogrinfo (gdal-bin) is not installed: CI installs it
    own = await openOwnContext('fieldsogr')
    client = await testClient(own.context)
    knex = client.context.knex
    await setUp(knex)
    analyst = await loginAs(client, 'analyst')
    await knex('user_field').whereIn('name', fields.map((f) => f.name)).delete()
    for (const f of fields) expect((await send('POST', '/api/v1/fields/grids', f)).statusCode).to.equal(201)
    const res = await send('POST', '/api/v1/grids', {
      type: 'Feature', geometry: polygon(116.1, 36.5, 116.105, 36.505),
      properties: { code, name: '客户端网格', communityCode: A, manager: '李四', floors: 12, weight: 0.75, surveyed_on: '2025-03-09' },
    })
    expect(res.statusCode, res.body).to.equal(201)
    server = http.createServer(createApp(client.context).callback())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc/wfs`
  })
  after(async () => {
    if (!client) return await own?.close()
    await new Promise((r) => server.close(r))
    for (const f of fields) await send('DELETE', `/api/v1/fields/grids/${f.name}`)
    await tearDown(knex)
    await own?.close().catch(() => undefined)
  })

  it('ogrinfo reads the typed fields and their values', async () => {
    const { stdout } = await run('ogrinfo', ['-ro', '-al', '--config', 'GDAL_HTTP_USERPWD', `analyst:${DEMO_PASSWORD}`, '--config', 'GDAL_HTTP_AUTH', 'BASIC',
      '--config', 'OGR_WFS_LOAD_MULTIPLE_LAYER_DEFN', 'NO', `WFS:${base}`, 'gridgov:base_grids', '-where', `code = '${code}'`], { timeout: 90_000, maxBuffer: 32 << 20 })
    expect(stdout).to.match(/^manager: String/m)
    expect(stdout).to.match(/^floors: Integer64/m)
    expect(stdout).to.match(/^weight: Real/m)
    expect(stdout).to.match(/^surveyed_on: Date/m)
    expect(stdout).to.include('manager (String) = 李四')
    expect(stdout).to.include('floors (Integer64) = 12')
    expect(stdout).to.include('weight (Real) = 0.75')
    expect(stdout).to.include('surveyed_on (Date) = 2025/03/09')
  })
})
