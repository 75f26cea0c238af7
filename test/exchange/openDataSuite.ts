// Open data (issue 20 item 8): files written by the daily pass with a manifest, served as written
// (ETag = sha256, 304), counted as an independent count over the events does, every cell under 5
// hidden and no hidden cell derivable. Runs inside exchange.test.ts (its database and history).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { expectRefusal } from '../support/problem.ts'
import { monthlyDemands, communityDemands, openPeriod } from '../../server/exchange/openData.ts'
import { KEEP_DAYS, runOpenDataPass, writeOpenDataDay, type Manifest } from '../../server/exchange/openDataFiles.ts'
import { localDay, localMonth, type ExchangeSuite } from './suite.ts'

const DAY = 86_400_000

export function openDataTests(suite: () => ExchangeSuite): void {
  describe('open data', () => {
    const cityDir = (s: ExchangeSuite) => path.join(s.dataDir, 'open-data', s.city)
    const files = (s: ExchangeSuite) => s.client.get('/api/v1/exchange/open-data').then((r) => r.json().items as
      { city: string; dataset: string; date: string | null; files: { format: string; href: string; sha256: string | null; rows: number | null }[] }[])

    it('before the first pass the first download writes the day once; the pass then writes only what is missing', async () => {
      const s = suite()
      const listed = (await files(s)).filter((i) => i.city === s.city)
      expect(listed.map((i) => i.dataset)).to.include.members(['demands-monthly', 'communities'])
      expect(listed.every((i) => i.date === null && i.files.every((f) => f.sha256 === null))).to.equal(true)
      const first = await s.client.get(`/api/v1/exchange/open-data/${s.city}/communities.csv`)
      expect(first.statusCode, first.body).to.equal(200)
      const today = localDay(new Date())
      expect(fs.readdirSync(cityDir(s))).to.deep.equal([today])
      const cities = (await s.knex('admin_division').where({ level: 'city' }).pluck('city_code') as string[]).length
      expect(await runOpenDataPass(s.knex, s.dataDir)).to.deep.equal({ written: cities - 1, cities })
      expect(await runOpenDataPass(s.knex, s.dataDir)).to.deep.equal({ written: 0, cities })
      // two writers of one day (instances racing): one day written, no temporary left behind
      for (let d = 1; d <= KEEP_DAYS + 1; d++) fs.mkdirSync(path.join(cityDir(s), `2020-01-0${d}`))
      const yesterday = new Date(Date.now() - DAY)
      const raced = await Promise.all([1, 2].map(() => writeOpenDataDay(s.knex, s.dataDir, s.city, yesterday)))
      expect(raced.filter(Boolean)).to.have.length(1)
      // older days beyond the kept ones removed; the newest is still today's
      expect(fs.readdirSync(cityDir(s)).sort()).to.deep.equal([...Array.from({ length: KEEP_DAYS - 2 }, (_, i) => `2020-01-0${i + 4}`), localDay(yesterday), today])
      expect((await files(s)).find((i) => i.city === s.city)!.date).to.equal(today)
    })

    it('serves each file as written: its sha256 and rows as the manifest says, ETag and 304; bad names are 400 / 404', async () => {
      const s = suite()
      const manifest = (await s.client.get(`/api/v1/exchange/open-data/${s.city}/manifest.json`)).json() as Manifest
      expect(manifest).to.include({ city: s.city, date: localDay(new Date()), threshold: 5 })
      expect(manifest.files.map((f) => f.name).sort()).to.deep.equal(['communities.csv', 'communities.geojson', 'demands-monthly.csv'])
      for (const f of manifest.files) {
        const res = await s.client.get(`/api/v1/exchange/open-data/${s.city}/${f.name}`)
        expect(res.statusCode).to.equal(200)
        const sha = crypto.createHash('sha256').update(res.rawPayload).digest('hex')
        expect(sha, f.name).to.equal(f.sha256)
        expect(res.headers.etag).to.equal(`"${sha}"`)
        expect(res.rawPayload.length).to.equal(f.bytes)
        const rows = f.format === 'csv' ? res.body.trim().split('\r\n').length - 1 : res.json().features.length
        expect(rows, f.name).to.equal(f.rows)
        expect((await s.client.get(`/api/v1/exchange/open-data/${s.city}/${f.name}`, { 'if-none-match': `"${sha}"` })).statusCode).to.equal(304)
      }
      const geo = await s.client.get(`/api/v1/exchange/open-data/${s.city}/communities.geojson`)
      expect(geo.headers['content-type']).to.match(/^application\/geo\+json/)
      expect(geo.json().features.length).to.equal(Number((await s.knex('admin_division').where({ city_code: s.city, level: 'community' }).count('* as n').first())!.n))
      const csv = await s.client.get(`/api/v1/exchange/open-data/${s.city}/demands-monthly.csv`)
      expect(csv.headers['content-type']).to.match(/^text\/csv/)
      expect(csv.body.split('\r\n')[0]).to.equal('\uFEFFmonth,district_code,district_name,major_class,major_class_name,demands,suppressed')
      const listed = (await files(s)).find((i) => i.city === s.city && i.dataset === 'demands-monthly')!
      expect(listed.files[0]).to.include({ sha256: manifest.files.find((f) => f.name === 'demands-monthly.csv')!.sha256 })
      expectRefusal(await s.client.get('/api/v1/exchange/open-data/99x100/communities.csv'), 'city')
      expect((await s.client.get(`/api/v1/exchange/open-data/${s.city}/people.csv`)).statusCode).to.equal(404)
      expect((await s.client.get('/api/v1/exchange/open-data/980100/communities.csv')).statusCode).to.equal(404)
      expect((await s.client.get('/api/v1/exchange/schemas/instruction-feedback')).json().$id).to.match(/instruction-feedback\.schema\.json$/)
    })

    it('counts as an independent count does, hides every cell under 5 and leaves no hidden cell derivable', async () => {
      const s = suite()
      const now = new Date()
      const { from, to } = openPeriod(now)
      expect(localDay(from).endsWith('-01') && localDay(to).endsWith('-01')).to.equal(true)
      const inPeriod = s.events.filter((e) => e.status !== 'voided' && e.created_at >= from && e.created_at < to)
      const monthly = new Map<string, number>()
      for (const e of inPeriod) {
        const k = `${localMonth(e.created_at)}/${e.district_code}/${e.class_code.slice(0, 2)}`
        monthly.set(k, (monthly.get(k) ?? 0) + 1)
      }
      const rows = await monthlyDemands(s.knex, s.city, now)
      const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => a[0].localeCompare(b[0])))
      expect(sorted(new Map(rows.map((r) => [`${r.month}/${r.district}/${r.major}`, r.count])))).to.deep.equal(sorted(monthly))
      const perCommunity = new Map<string, number>()
      for (const e of inPeriod) perCommunity.set(e.community_code, (perCommunity.get(e.community_code) ?? 0) + 1)
      const communities = await communityDemands(s.knex, s.city, now)
      for (const c of communities) expect(c.count, c.code).to.equal(perCommunity.get(c.code) ?? 0)
      // the history has both small and large monthly cells, so the rules below are exercised
      expect(rows.some((r) => r.suppressed === 'primary') && rows.some((r) => r.suppressed === null && r.count >= 5)).to.equal(true)
      for (const list of [rows, communities] as { district: string; count: number; suppressed: string | null }[][]) {
        for (const r of list) expect(r.suppressed === 'primary', JSON.stringify(r)).to.equal(r.count > 0 && r.count < 5)
        // each district: nothing hidden, or at least two hidden cells carrying 5 or more between them
        for (const d of new Set(list.map((r) => r.district))) {
          const hidden = list.filter((r) => r.district === d && r.suppressed !== null)
          if (hidden.length) expect(hidden.length >= 2 && hidden.reduce((a, r) => a + r.count, 0) >= 5, d).to.equal(true)
        }
      }
      // the written files show exactly the visible counts and nothing of a hidden one
      const csv = (await s.client.get(`/api/v1/exchange/open-data/${s.city}/demands-monthly.csv`)).body.trim().split('\r\n').slice(1)
      const fileRows = rows.map((r) => `${r.month},${r.district},${r.suppressed ? '' : r.count},${r.suppressed ?? ''}`)
      expect(csv.map((l) => { const f = l.split(','); return `${f[0]},${f[1]},${f[5]},${f[6]}` })).to.deep.equal(fileRows)
      // against the count made here: a cell of 1-4 is blank in the written file, a shown one is that count
      let small = 0
      for (const l of csv) {
        const f = l.split(',')
        const n = monthly.get(`${f[0]}/${f[1]}/${f[3]}`) ?? 0
        if (n > 0 && n < 5) small++
        if (n > 0 && n < 5) expect(f[5], l).to.equal('')
        else if (f[5] !== '') expect(Number(f[5]), l).to.equal(n)
      }
      expect(small).to.be.greaterThan(0)
      const written = (await s.client.get(`/api/v1/exchange/open-data/${s.city}/communities.geojson`)).json().features as
        { id: string; properties: { demands: number | null; suppressed: string | null } }[]
      expect(written.length).to.equal(communities.length)
      for (const f of written) {
        const n = perCommunity.get(f.id) ?? 0
        if (n > 0 && n < 5) expect(f.properties, f.id).to.deep.equal({ ...f.properties, demands: null, suppressed: 'primary' })
        else if (f.properties.suppressed === null) expect(f.properties.demands, f.id).to.equal(n)
        else expect(f.properties.demands, f.id).to.equal(null)
      }
    })
  })
}
