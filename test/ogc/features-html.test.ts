// OGC API Features HTML (Part 1 conformance class html): f=html and Accept: text/html on every
// resource, Chinese pages with working links (next / prev, JSON), nothing loaded from elsewhere,
// and every database value escaped.
import { expect } from 'chai'
import { testClient, type Client } from '../support/http.ts'
import { basic } from './wfs-support.ts'

const F = '/ogc/features'
const analyst = basic('analyst')
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '').replace(/&amp;/g, '&')
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!)

describe('OGC API Features: HTML', () => {
  let client: Client
  before(async () => {
    client = await testClient()
  })

  const html = async (url: string, headers: Record<string, string> = {}) => {
    const res = await client.get(url, headers)
    expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).to.equal(200)
    expect(res.headers['content-type']).to.match(/^text\/html; charset=utf-8/)
    expect(res.body).to.match(/^<!DOCTYPE html><html lang="zh-CN">/)
    // no script, nothing from another origin
    expect(res.body).to.not.match(/<script|src="http|<link[^>]+href="http/)
    return res.body
  }

  it('landing, conformance, collections, collection and queryables as pages; Accept: text/html as well as f=html', async () => {
    const landing = await html(`${F}?f=html`)
    expect(landing).to.include('要素集合')
    expect(await html(F, BROWSER)).to.equal(landing)
    // a GIS client's Accept (or none) still gets JSON
    expect((await client.get(F, { accept: 'application/json' })).json().links).to.be.an('array')
    expect((await client.get(F)).json().links).to.be.an('array')
    const conf = await html(`${F}/conformance`, BROWSER)
    expect(conf).to.include('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html')
    expect((await client.get(`${F}/conformance`)).json().conformsTo).to.include('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html')
    const collections = await html(`${F}/collections?f=html`)
    for (const l of client.context.catalogue.layers.filter((x) => !x.readRoles)) expect(collections).to.include(`<code>${l.id}</code>`)
    const one = await html(`${F}/collections/components?f=html`)
    expect(one).to.include('城市部件').and.include('可查询属性')
    // every link of the page answers
    for (const href of hrefs(one).filter((h) => h.includes('/ogc/features'))) {
      const res = await client.get(path(href), analyst)
      expect(res.statusCode, href).to.equal(200)
    }
    const q = await html(`${F}/collections/components/queryables?f=html`)
    expect(q).to.include('<code>state</code>')
  })

  it('items as a table with next / prev and the JSON alternate; one item as a page', async () => {
    const page1 = await html(`${F}/collections/roads/items?f=html&limit=5`, analyst)
    const json = (await client.get(`${F}/collections/roads/items?limit=5`, analyst)).json()
    expect(page1).to.include(`共 ${json.numberMatched} 个要素，本页 5 个`)
    expect((page1.match(/<tr><td><a /g) ?? []).length).to.equal(5)
    for (const f of json.features) expect(page1).to.include(`>${f.id}</a>`)
    const next = page1.match(/<a rel="next" href="([^"]+)"/)![1]!
    const page2 = await html(path(next), analyst)
    expect(page2).to.match(/<a rel="prev" href="[^"]*offset=0/)
    const second = (await client.get(`${F}/collections/roads/items?limit=5&offset=5`, analyst)).json()
    for (const f of second.features) expect(page2).to.include(`>${f.id}</a>`)
    const alt = page1.match(/<a rel="alternate" type="application\/json" href="([^"]+)"/)![1]!
    expect((await client.get(path(alt), analyst)).json().numberReturned).to.equal(5)
    const item = await html(`${F}/collections/roads/items/${json.features[0].id}`, { ...analyst, ...BROWSER })
    expect(item).to.include(json.features[0].properties.name)
    expect(json.links.find((l: { rel: string; type: string }) => l.rel === 'alternate' && l.type === 'text/html')).to.not.equal(undefined)
  })

  it('escapes what the database holds', async () => {
    const knex = client.context.knex
    const row = await knex('component').where('community_code', 'like', '9901%').orderBy('id').first('id', 'name')
    await knex('component').where('id', row.id).update({ name: '<img src=x onerror=alert(1)>"&\'' })
    try {
      const page = await html(`${F}/collections/components/items/${row.id}?f=html`, analyst)
      expect(page).to.include('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&apos;')
      expect(page).to.not.include('<img')
    } finally {
      await knex('component').where('id', row.id).update({ name: row.name })
    }
    expect((await client.get(`${F}?f=xml`)).statusCode).to.equal(400)
  })
})
