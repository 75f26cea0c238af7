// The OpenAPI document covers the REST API: every route under /api/v1 of the route table is a
// documented path and method, and every documented /api/v1 operation is routed.
import { expect } from 'chai'
import { getTestContext } from '../support/db.ts'
import { routeFactories } from '../../server/routes.ts'
import { openApiDocument } from '../../server/openapi/document.ts'
import { testClient } from '../support/http.ts'

describe('OpenAPI document', () => {
  it('documents every /api/v1 route and method, and nothing that is not routed', async () => {
    const ctx = await getTestContext()
    const routed = new Set<string>()
    for (const factory of routeFactories) {
      for (const layer of factory(ctx).stack) {
        if (typeof layer.path !== 'string') throw new Error(`route ${String(layer.path)}: a RegExp route cannot be documented`)
        if (!layer.path.startsWith('/api/v1') || layer.path === '/api/v1/openapi.json') continue
        const path = layer.path.replace(/\/$/, '').replace(/:([A-Za-z]+)/g, '{$1}')
        for (const m of layer.methods) if (m !== 'HEAD') routed.add(`${m.toLowerCase()} ${path}`)
      }
    }
    const documented = new Set<string>()
    for (const [path, item] of Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)) {
      if (!path.startsWith('/api/v1')) continue
      for (const m of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) documented.add(`${m} ${path}`)
    }
    expect([...routed].filter((r) => !documented.has(r)).sort(), 'routed but not documented').to.deep.equal([])
    expect([...documented].filter((d) => !routed.has(d)).sort(), 'documented but not routed').to.deep.equal([])
  })

  it('is served as JSON', async () => {
    const client = await testClient()
    const res = await client.get('/api/v1/openapi.json')
    expect(res.statusCode).to.equal(200)
    expect(res.json().openapi).to.equal('3.1.0')
  })
})
