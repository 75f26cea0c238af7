// /api/v1/warnings: jurisdiction by the warning's area code (a community does not see a street-level
// warning), filters, keyset pages, one warning, acknowledgement, roles and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { CITY, cleanup } from './support.ts'

const C1 = '990102001001'
const S1 = '990102001000'
const C2 = '990102002001'
const D = '990102000000'

describe('warnings API', () => {
  let client: Client
  let knex: Knex
  const h: Record<string, Record<string, string>> = {}
  const ids: Record<string, number> = {}
  const get = (url: string, who: string) => client.get(url, h[who])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await cleanup(knex)
    for (const u of ['command', 'analyst', 'district', 'street1', 'street2', 'community', 'inspector']) h[u] = await loginAs(client, u)
    const rows: [string, string, string, number][] = [
      ['w1', 'near_deadline', C1, 1], ['w2', 'mass', S1, 2], ['w3', 'spike', C2, 3], ['w4', 'new_hotspot', D, 2],
    ]
    for (const [i, [name, kind, area, level]] of rows.entries()) {
      const [r] = await knex('warning').insert({
        city_code: CITY, kind, rule_version: 0, level, title: `测试预警${name}`, detail: JSON.stringify({ n: i }), area_code: area,
        geom: knex.raw('ST_SetSRID(ST_MakePoint(116, 36.46), 4490)'), event_ids: [i + 1, i + 100], dedupe_key: `test:${name}`,
        subject: 'p:secret', raised_at: new Date(Date.parse('2025-05-01T08:00:00Z') + i * 3600_000),
      }).returning('id')
      ids[name] = Number(r.id)
    }
  })
  after(async () => { await cleanup(knex) })

  const listed = async (who: string, q = '') => {
    const r = await get(`/api/v1/warnings${q}`, who)
    expect(r.statusCode, r.body).to.equal(200)
    return (r.json().items as { id: number }[]).map((w) => w.id)
  }
  const names = (...n: string[]) => n.map((x) => ids[x]!)

  it('lists newest first inside the jurisdiction: the community does not see the street-level warning', async () => {
    expect(await listed('command')).to.deep.equal(names('w4', 'w3', 'w2', 'w1'))
    expect(await listed('district')).to.deep.equal(names('w4', 'w3', 'w2', 'w1'))
    expect(await listed('street1')).to.deep.equal(names('w2', 'w1'))
    expect(await listed('street2')).to.deep.equal(names('w3'))
    expect(await listed('community')).to.deep.equal(names('w1'))
  })

  it('answers one warning without internal keys, 404 outside the jurisdiction', async () => {
    const r = await get(`/api/v1/warnings/${ids.w2}`, 'street1')
    expect(r.statusCode).to.equal(200)
    const w = r.json()
    expect(w).to.include({ id: ids.w2, kind: 'mass', kindName: '群体性诉求', level: 2, levelName: '橙色', areaCode: S1, areaName: '永安街道', ruleVersion: 0 })
    expect(w.eventIds).to.deep.equal([2, 101])
    expect(r.body).to.not.include('secret')
    expect(r.body).to.not.include('dedupe')
    expect((await get(`/api/v1/warnings/${ids.w2}`, 'community')).statusCode).to.equal(404)
    expect((await get(`/api/v1/warnings/${ids.w3}`, 'street1')).statusCode).to.equal(404)
    expect((await get('/api/v1/warnings/999999999', 'command')).statusCode).to.equal(404)
  })

  it('filters by kind, level, time and area, and pages with a cursor', async () => {
    expect(await listed('command', '?kind=mass,spike')).to.deep.equal(names('w3', 'w2'))
    expect(await listed('command', '?level=2')).to.deep.equal(names('w4', 'w2'))
    expect(await listed('command', `?from=${encodeURIComponent('2025-05-01T09:00:00Z')}&to=${encodeURIComponent('2025-05-01T11:00:00Z')}`)).to.deep.equal(names('w3', 'w2'))
    expect(await listed('command', `?area=${S1}`)).to.deep.equal(names('w2', 'w1'))
    expect(await listed('command', `?area=${C1}`)).to.deep.equal(names('w1'))
    const seen: number[] = []
    let url: string | null = '/api/v1/warnings?limit=1'
    while (url) {
      const r = await client.get(url, h.command)
      expect(r.statusCode, r.body).to.equal(200)
      seen.push(...r.json().items.map((w: { id: number }) => w.id))
      url = r.json().next
    }
    expect(seen).to.deep.equal(names('w4', 'w3', 'w2', 'w1'))
    const g = await get('/api/v1/warnings?f=geojson&kind=spike', 'command')
    expect(g.headers['content-type']).to.match(/geo\+json/)
    expect(g.json().features[0]).to.deep.include({ type: 'Feature', id: ids.w3, geometry: { type: 'Point', coordinates: [116, 36.46] } })
  })

  it('acknowledges once inside the jurisdiction (409 the second time), with a comment; readers who are not staff may not', async () => {
    expect((await client.post(`/api/v1/warnings/${ids.w1}/acknowledge`, { comment: 'x' }, h.street2)).statusCode).to.equal(404)
    expect((await client.post(`/api/v1/warnings/${ids.w1}/acknowledge`, {}, h.analyst)).statusCode).to.equal(403)
    const r = await client.post(`/api/v1/warnings/${ids.w1}/acknowledge`, { comment: '已电话联系承办单位' }, h.community)
    expect(r.statusCode, r.body).to.equal(200)
    expect(r.json()).to.include({ acknowledgeComment: '已电话联系承办单位', acknowledgedByName: '社区网格员站' })
    const again = await client.post(`/api/v1/warnings/${ids.w1}/acknowledge`, {}, h.street1)
    expect(again.statusCode).to.equal(409)
    expect(again.json().detail).to.include('社区网格员站')
    expect(await listed('command', '?acknowledged=true')).to.deep.equal(names('w1'))
    expect(await listed('command', '?acknowledged=false')).to.deep.equal(names('w4', 'w3', 'w2'))
    // without a body at all
    const bare = await client.request({ method: 'POST', url: `/api/v1/warnings/${ids.w2}/acknowledge`, headers: h.street1 })
    expect(bare.statusCode, bare.body).to.equal(200)
  })

  it('refuses callers without the role', async () => {
    expect((await client.get('/api/v1/warnings')).statusCode).to.equal(401)
    expect((await get('/api/v1/warnings', 'inspector')).statusCode).to.equal(403)
    expect((await get('/api/v1/warning-rules', 'inspector')).statusCode).to.equal(403)
  })

  it('bad input: a 4xx naming the field', async () => {
    const cases: [string, string, number][] = [
      ['?limit=0', 'limit', 400], ['?limit=501', 'limit', 400], ['?limit=abc', 'limit', 400], ['?kind=bogus', 'kind', 400],
      ['?kind=mass&kind=spike', 'kind', 400], ['?level=4', 'level', 400], ['?acknowledged=yes', 'acknowledged', 400],
      ['?area=abc', 'area', 400], ['?area=990102002001', 'area', 403], ['?area=990199000000', 'area', 400],
      ['?cursor=garbage', 'cursor', 400], ['?from=2025-13-01', 'from', 400], ['?from=2025-05-02&to=2025-05-01', 'to', 400],
      [`?kind=${encodeURIComponent("mass'; DROP TABLE warning; --")}`, 'kind', 400], [`?cursor=${'x'.repeat(5000)}`, 'cursor', 400],
      ['?f=xml', 'f', 400], ['?bogus=1', 'bogus', 400],
    ]
    for (const [q, field, status] of cases) {
      const r = await get(`/api/v1/warnings${q}`, q.includes('990102002001') ? 'street1' : 'command')
      expect(r.statusCode, `${q}: ${r.body}`).to.equal(status)
      expect(JSON.stringify(r.json().errors ?? r.json().detail), q).to.include(field)
    }
    for (const id of ['abc', '0', '-1', '99999999999999999999', "1'or'1"]) {
      const r = await get(`/api/v1/warnings/${encodeURIComponent(id)}`, 'command')
      expect(r.statusCode, id).to.equal(400)
      expect(r.json().errors[0].field).to.equal('id')
    }
    const ack = async (body: unknown) => client.post(`/api/v1/warnings/${ids.w3}/acknowledge`, body, h.street2)
    for (const [body, field] of [[{ comment: 'x'.repeat(501) }, 'comment'], [{ comment: 5 }, 'comment'], [{ extra: 1 }, 'extra']] as [unknown, string][]) {
      const r = await ack(body)
      expect(r.statusCode, r.body).to.equal(400)
      expect(JSON.stringify(r.json().errors)).to.include(field)
    }
    expect((await ack('{not json')).statusCode).to.equal(400)
    expect((await ack({ comment: 'x'.repeat(3 * 1024 * 1024) })).statusCode).to.equal(413)
  })
})
