// The map page at /: the Vite build served by gridgov, Chinese UI, locked to its own origin.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Koa from 'koa'
import { inject } from 'light-my-request'
import { expect } from 'chai'
import { buildIfStale, isStale } from '../../web-map/build.ts'
import { errorMiddleware } from '../../server/http/errors.ts'
import { PAGE_CSP, webMapRoutes } from '../../tiles/webmap.ts'
import { testClient, type Client } from '../support/http.ts'

describe('map page', () => {
  let client: Client
  before(async function () {
    this.timeout(900_000) // may build the page with vite, and the first file to run creates the shared test database
    await buildIfStale()
    client = await testClient()
  })

  it('is built and up to date after buildIfStale, which then does nothing', async () => {
    expect(isStale()).to.equal(false)
    expect(await buildIfStale()).to.equal(false)
  })

  it('serves the page at / without authentication, in Chinese, with a same-origin CSP', async () => {
    const res = await client.get('/')
    expect(res.statusCode).to.equal(200)
    expect(res.headers['content-type']).to.match(/^text\/html/)
    expect(res.headers['cache-control']).to.equal('no-cache')
    expect(res.headers['content-security-policy']).to.equal(PAGE_CSP)
    expect(PAGE_CSP).to.include("default-src 'self'").and.include("connect-src 'self'").and.not.match(/https?:|\*/)
    expect(res.body).to.include('lang="zh-CN"').and.include('城市云图').and.include('登录')
    expect((await client.get('/index.html')).body).to.equal(res.body)
  })

  it('serves the hashed script and style for a year, and they reference nothing external', async () => {
    const page = (await client.get('/')).body
    const local = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'))
    expect(local.some((u) => /^\/assets\/.+\.js$/.test(u)), 'script').to.equal(true)
    expect(local.some((u) => /^\/assets\/.+\.css$/.test(u)), 'style').to.equal(true)
    for (const url of local) {
      expect(url, 'same-origin path').to.match(/^\/assets\/[a-z0-9_.-]+$/i)
      const res = await client.get(url)
      expect(res.statusCode, url).to.equal(200)
      expect(res.headers['cache-control'], url).to.include('immutable')
      // no import, fetch, src/href or CSS url() that leaves the origin (comments and CRS URIs may name URLs)
      expect(res.body).to.not.match(/(from\s*|import\(\s*|fetch\(\s*|(src|href)=|url\()['"`]?(https?:)?\/\//)
    }
  })

  it('answers 404 for files it does not have, including path tricks', async () => {
    for (const url of ['/nope.js', '/assets/nope.js', '/../package.json', '/%2e%2e/package.json', '/assets/../../package.json', '/vendor/pbf.js']) {
      expect((await client.get(url)).statusCode, url).to.equal(404)
    }
  })

  it('answers 503 at / while the page is not built', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-webmap-'))
    try {
      const koa = new Koa()
      koa.silent = true
      koa.use(errorMiddleware())
      koa.use(webMapRoutes(empty).routes())
      const res = await inject(koa.callback(), { method: 'GET', url: '/' })
      expect(res.statusCode).to.equal(503)
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/)
      expect(res.json().type).to.match(/web_map_not_built$/)
    } finally {
      fs.rmSync(empty, { recursive: true, force: true })
    }
  })
})
