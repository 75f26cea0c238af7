// runReportPass with a fixed `now`: the reports of the periods that ended (yesterday, last week,
// last month, last year) in every format, stored once however often and however concurrently it
// runs; GET then serves the stored bytes to a city-wide caller.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { runReportPass, duePeriods } from '../../server/reports/pass.ts'

// Thursday 2025-10-16 03:00 Shanghai: yesterday 2025-10-15, ISO week 2025-W41 (6-12 Oct), September, 2024
const NOW = new Date('2025-10-16T03:00:00+08:00')
const LABELS = ['2025-10-15', '2025-W41', '2025-09', '2024', '2025-10-16']

describe('report pass', function () {
  this.timeout(180_000)
  let client: Client
  let knex: Knex
  const stored = async () => await knex('report').where({ city_code: '990100' }).whereIn('label', LABELS)
    .select('kind', 'label', 'format', 'sha256', 'bytes') as { kind: string; label: string; format: string; sha256: string; bytes: number }[]

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await knex('report').whereIn('label', LABELS).delete()
  })

  after(async () => {
    await knex('report').whereIn('label', LABELS).delete()
  })

  it('names the periods that ended last', () => {
    expect(duePeriods(NOW).map((p) => `${p.kind} ${p.label}`)).to.deep.equal(['daily 2025-10-15', 'weekly 2025-W41', 'monthly 2025-09', 'annual 2024'])
    // a minute after midnight the day before is due; a minute before, the day before that
    expect(duePeriods(new Date('2025-10-16T00:01:00+08:00'))[0]!.label).to.equal('2025-10-15')
    expect(duePeriods(new Date('2025-10-15T23:59:00+08:00'))[0]!.label).to.equal('2025-10-14')
  })

  it('stores each city report once: twice in a row and twice at once', async () => {
    const cities = Number((await knex('admin_division').where({ level: 'city' }).count({ n: '*' }))[0]!.n)
    const first = await runReportPass(knex, NOW)
    expect(first).to.deep.equal({ generated: 12 * cities, stored: 12 * cities, skipped: 0 })
    const rows = await stored()
    expect(rows.map((r) => `${r.kind} ${r.label} ${r.format}`).sort()).to.deep.equal(['annual', 'daily', 'monthly', 'weekly']
      .flatMap((k) => ['html', 'pdf', 'xlsx'].map((f) => `${k} ${LABELS[['daily', 'weekly', 'monthly', 'annual'].indexOf(k)]} ${f}`)).sort())
    for (const r of rows) expect(r.bytes, `${r.kind} ${r.format}`).to.be.greaterThan(1000)
    const again = await runReportPass(knex, NOW)
    expect(again).to.deep.equal({ generated: 0, stored: 0, skipped: 12 * cities })
    expect(await stored()).to.deep.equal(rows)
    // two instances at once a day later: only 2025-10-16's daily report is new, and it is stored once
    const later = new Date(NOW.getTime() + 86_400_000)
    const [a, b] = await Promise.all([runReportPass(knex, later), runReportPass(knex, later)])
    expect(a.stored + b.stored).to.equal(3 * cities)
    expect(a.generated + b.generated).to.be.within(3 * cities, 6 * cities)
    const daily = await knex('report').where({ city_code: '990100', kind: 'daily', label: '2025-10-16' }).pluck('format')
    expect(daily.sort()).to.deep.equal(['html', 'pdf', 'xlsx'])
  })

  it('serves the stored report to a city-wide caller, with its digest as ETag', async () => {
    const command = await loginAs(client, 'command')
    const row = (await stored()).find((r) => r.label === '2025-09' && r.format === 'pdf')!
    const r = await client.get('/api/v1/reports/monthly/2025-09?format=pdf', command)
    expect(r.statusCode).to.equal(200)
    expect(r.headers.etag).to.equal(`"${row.sha256}"`)
    expect(r.rawPayload.length).to.equal(row.bytes)
  })
})
