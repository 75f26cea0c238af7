// Security headers on every answer (server/http/securityHeaders.ts; 等保 item 10): the map page and
// its assets, the API (answers and errors), tiles, WMS/WFS/OGC API Features, Open311, public
// pages, /health, 404s, refusals and the input check's 400. Judged on the headers themselves:
// the page keeps its own CSP (positive control: the one tiles/webmap.ts writes), HTML documents
// without a script source, everything else default-src 'none'; credentials bring no-store unless the
// route chose its caching (tiles); HSTS only on TLS.
import { expect } from 'chai'
import type { Response } from 'light-my-request'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestContext } from '../support/db.ts'
import { DEMO_API_KEY } from '../../fixtures/users.ts'
import { PAGE_CSP } from '../../tiles/webmap.ts'
import { API_CSP, DOCUMENT_CSP, PERMISSIONS_POLICY } from '../../server/http/securityHeaders.ts'
import { buildIfStale } from '../../web-map/build.ts'
import { loadConfig } from '../../server/config.ts'

function baseline(res: Response, what: string): void {
  expect(res.headers['x-content-type-options'], what).to.equal('nosniff')
  expect(res.headers['referrer-policy'], what).to.equal('no-referrer')
  expect(res.headers['permissions-policy'], what).to.equal(PERMISSIONS_POLICY)
  expect(String(res.headers['permissions-policy'])).to.match(/(^|, )geolocation=\(self\)/)
  expect(res.headers['x-frame-options'], what).to.be.oneOf(['DENY', 'SAMEORIGIN'])
  expect(String(res.headers['content-security-policy']), what).to.match(/frame-ancestors '(none|self)'/)
  expect(res.headers['strict-transport-security'], `${what}: no HSTS over plain HTTP`).to.equal(undefined)
}

describe('security headers on every answer (安全响应头)', function () {
  this.timeout(300_000)
  let client: Client
  let command: Record<string, string>
  before(async function () {
    this.timeout(600_000)
    await buildIfStale() // the page is listed when the app is built: build it first
    client = await testClient()
    command = await loginAs(client, 'command')
  })

  it('the map page keeps its own CSP; its assets and every other answer are locked down', async () => {
    const page = await client.get('/')
    expect(page.statusCode).to.equal(200)
    expect(page.headers['content-type']).to.match(/^text\/html/)
    expect(page.headers['content-security-policy']).to.equal(PAGE_CSP)
    expect(PAGE_CSP).to.include("script-src 'self'").and.include("connect-src 'self'")
    expect(page.headers['x-frame-options']).to.equal('SAMEORIGIN')
    baseline(page, '/')
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1]
    expect(script, 'the page names its script').to.be.a('string')
    const asset = await client.get(script!)
    expect(asset.statusCode).to.equal(200)
    expect(asset.headers['cache-control']).to.equal('public, max-age=31536000, immutable') // its own caching kept
    expect(asset.headers['content-security-policy']).to.equal(API_CSP)
    baseline(asset, script!)
  })

  it('every route family, signed in or not, answer or error', async () => {
    const key = { 'x-api-key': DEMO_API_KEY }
    const cases: [string, Record<string, string>, number][] = [
      ['/health', {}, 200],
      ['/api/v1/auth/me', command, 200],
      ['/api/v1/auth/me', {}, 401],
      ['/api/v1/events?limit=2', command, 200],
      ['/api/v1/events?limit=2', key, 200],
      ['/api/v1/events?from=2026-02-30', command, 400],
      ['/api/v1/events/NOPE', command, 404],
      ['/api/v1/admin-divisions', command, 200],
      ['/api/v1/no-such-thing', {}, 404],
      ['/tiles/all.json', command, 200],
      ['/tiles/all/12/3372/1552.mvt', command, 0],
      ['/tiles/all.json', {}, 401],
      ['/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities', command, 200],
      ['/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities', {}, 0],
      ['/ogc/wfs?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=nope', command, 0],
      ['/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities', command, 200],
      ['/ogc/features/collections', command, 200],
      ['/open311/v2/services.json', {}, 0],
      ['/api/v1/openapi.json', {}, 0],
      ['/api/v1/events?q=a%00b', command, 400],
      ['/api/v1/auth/me', { authorization: 'Bearer not.a.token' }, 401],
    ]
    for (const [url, headers, status] of cases) {
      const res = await client.get(url, headers)
      const what = `${url} ${Object.keys(headers).join(',') || 'anonymous'} → ${res.statusCode}`
      if (status) expect(res.statusCode, what).to.equal(status)
      expect(res.statusCode, what).to.be.below(500)
      baseline(res, what)
      if (!/^text\/html/.test(String(res.headers['content-type']))) {
        expect(res.headers['content-security-policy'], what).to.equal(API_CSP)
        expect(res.headers['x-frame-options'], what).to.equal('DENY')
      }
      const credentials = Object.keys(headers).length > 0
      if (credentials && !url.startsWith('/tiles/') && !url.startsWith('/ogc/')) {
        expect(res.headers['cache-control'], `${what}: an answer to a signed-in caller is not stored`).to.equal('no-store')
      }
    }
  })

  it("tiles keep their caching; personal answers are no-store; a route's own no-store stays", async () => {
    const tj = await client.get('/tiles/all.json', command)
    expect(tj.headers['cache-control']).to.equal('private, max-age=60')
    const tile = await client.get('/tiles/admin_divisions/10/843/388.mvt', command)
    expect(tile.statusCode).to.be.oneOf([200, 204])
    expect(tile.headers['cache-control']).to.match(/^private, (max-age=5|no-store)$/)
    // anonymous public answers keep theirs, and get no no-store
    const health = await client.get('/health')
    expect(health.headers['cache-control']).to.equal('no-store') // /health sets it itself
    const anonymous404 = await client.get('/api/v1/no-such-thing')
    expect(anonymous404.headers['cache-control']).to.equal(undefined)
  })

  it('HTML documents other than the page (GetFeatureInfo) allow no script', async () => {
    const res = await client.get('/ogc/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=admin_divisions&QUERY_LAYERS=admin_divisions&STYLES=' +
      '&CRS=CRS:84&BBOX=117.0,36.6,117.1,36.7&WIDTH=100&HEIGHT=100&FORMAT=image/png&INFO_FORMAT=text/html&I=50&J=50', command)
    expect(res.statusCode, res.body.slice(0, 200)).to.equal(200)
    expect(res.headers['content-type']).to.match(/^text\/html/)
    expect(res.headers['content-security-policy']).to.equal(DOCUMENT_CSP)
    expect(DOCUMENT_CSP).to.not.include('script-src')
    expect(DOCUMENT_CSP).to.include("default-src 'none'")
    expect(res.headers['x-frame-options']).to.equal('SAMEORIGIN')
    baseline(res, 'GetFeatureInfo text/html')
  })

  it('HSTS only on TLS (X-Forwarded-Proto https behind a trusted proxy), configurable, 0 turns it off', async () => {
    const proxied = await testClient(await getTestContext({ trustProxy: true, hstsSeconds: 31_536_000 }))
    const tls = await proxied.get('/health', { 'x-forwarded-proto': 'https' })
    expect(tls.headers['strict-transport-security']).to.equal('max-age=31536000')
    expect((await proxied.get('/api/v1/no-such-thing', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).to.equal('max-age=31536000')
    expect((await proxied.get('/health')).headers['strict-transport-security']).to.equal(undefined)
    // an untrusted proxy header does not count as TLS
    const direct = await testClient(await getTestContext({ trustProxy: false, hstsSeconds: 31_536_000 }))
    expect((await direct.get('/health', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).to.equal(undefined)
    const off = await testClient(await getTestContext({ trustProxy: true, hstsSeconds: 0 }))
    expect((await off.get('/health', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).to.equal(undefined)
    expect(loadConfig({}).hstsSeconds).to.equal(31_536_000)
    for (const bad of ['-1', 'yes', '99999999999']) expect(() => loadConfig({ HSTS_SECONDS: bad }), bad).to.throw(/HSTS_SECONDS/)
  })
})
