// The coming week's forecast in a periodic report (issue 20 item 1): the HTML section's figures
// equal the model fitted to the area's daily counts recounted here in Node from the event rows
// (Shanghai days laid out in JS), and the xlsx sheet 预测 holds the GET /analytics/forecast answer
// for the same area, first day and horizon.
import { expect } from 'chai'
import type { Knex } from 'knex'
import ExcelJS from 'exceljs'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { deleteReportEvents, htmlNumbers, insertReportEvents } from './reportsSupport.ts'
import { fitEts, forecastEts } from '../../server/analytics/ets.ts'
import { dayOf, loadWorkdays } from '../../server/analytics/forecast.ts'

const AREA = '990102001000' // street1
const AT = '2025-07-01' // the day after the report's month

describe('periodic reports: the coming week\'s forecast', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let street1: Record<string, string>

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    street1 = await loginAs(client, 'street1')
    const classes = (await knex('event_class').whereRaw('length(code) = 4').orderBy('code').limit(12).pluck('code')) as string[]
    await insertReportEvents(knex, classes)
  })
  after(async () => {
    await knex('report').where({ city_code: '990100' }).where({ label: '2025-06' }).delete()
    await deleteReportEvents(knex)
  })

  it('HTML: seven days from the day after the period, each the model\'s forecast of the area\'s recounted history', async () => {
    const res = await client.get(`/api/v1/reports/monthly/2025-06?format=html&area=${AREA}`, street1)
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(200)
    expect(res.body).to.include('九、未来一周预测')
    const shown = htmlNumbers(res.body)
    // independent recount: every event of the street in the 365 days before AT, per Shanghai day
    const lo = Date.parse(`${AT}T00:00:00+08:00`) - 365 * 86_400_000
    const rows = await knex('event').where('community_code', 'like', '990102001%')
      .where('created_at', '>=', new Date(lo)).where('created_at', '<', new Date(`${AT}T00:00:00+08:00`)).select('created_at') as { created_at: Date }[]
    const perDay = new Array<number>(365).fill(0)
    for (const r of rows) perDay[Math.floor((r.created_at.getTime() - lo) / 86_400_000)]!++
    expect(perDay.reduce((s, n) => s + n, 0)).to.be.greaterThan(150)
    const cal = await loadWorkdays(knex, '990100')
    const date = (i: number) => new Date(lo + i * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)
    const fit = fitEts(perDay, perDay.map((_, i) => dayOf(cal, date(i))))
    const week = Array.from({ length: 7 }, (_, i) => date(365 + i))
    expect(week[0]).to.equal(AT)
    const expected = forecastEts(fit, week.map((d) => dayOf(cal, d)))
    week.forEach((d, i) => expect(Number(shown.get(`forecast.total.${d}.point`)), d).to.be.closeTo(expected[i]!.point, 0.051))
    const hi95 = shown.get(`forecast.total.${week[6]}.hi95`)!.split(' – ').map(Number)
    expect(hi95[1]).to.be.closeTo(expected[6]!.hi95, 0.051)
  })

  it('xlsx: the sheet 预测 holds the forecast API\'s answer for the area, all classes and the largest big classes', async () => {
    const api = await client.get(`/api/v1/analytics/forecast?area=${AREA}&at=${AT}&horizon=7`, street1)
    expect(api.statusCode, api.body).to.equal(200)
    const res = await client.get(`/api/v1/reports/monthly/2025-06?format=xlsx&area=${AREA}`, street1)
    expect(res.statusCode).to.equal(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const ws = wb.getWorksheet('预测')!
    const all: (string | number)[][] = []
    ws.eachRow((row, n) => { if (n > 2) all.push([1, 2, 4, 8].map((c) => row.getCell(c).value as string | number)) })
    const total = all.filter((r) => r[0] === '全部')
    expect(total.map((r) => [r[1], r[2], r[3]])).to.deep.equal(api.json().forecast.map((d: { date: string; point: number; hi95: number }) => [d.date, d.point, d.hi95]))
    const ind = await client.get(`/api/v1/analytics/indicators?period=2025-06&area=${AREA}`, street1)
    const classes = new Set(all.filter((r) => r[0] !== '全部').map((r) => String(r[0]).slice(0, 2)))
    const largest = (ind.json().byClass as { key: string; total: number }[]).sort((a, b) => b.total - a.total).slice(0, 3).map((k) => k.key)
    expect(largest.length).to.be.greaterThan(0)
    expect([...classes].sort()).to.deep.equal(largest.sort())
  })
})
