// GET /api/v1/reports/{kind}/{period}: the numbers of the xlsx (read back with exceljs) and of the
// HTML equal the indicators API's answer for the same period and area, and that answer equals a
// recount of the event rows in Node; the PDF is a PDF with the CJK font embedded; the map has one
// shape per heatmap cell; stored city reports, ETag, file names, jurisdiction.
import { expect } from 'chai'
import type { Knex } from 'knex'
import ExcelJS from 'exceljs'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { readBack, referenceCounts } from '../analytics/indicatorsSupport.ts'
import { deleteReportEvents, htmlNumbers, insertReportEvents } from './reportsSupport.ts'

interface Rate { numerator: number; denominator: number; rate: number | null }
interface Summary { counts: Record<string, number>; rates: Record<string, Rate> }
interface Keyed { key: string; name: string | null; total: number }
interface Indicators extends Summary {
  byClass: Keyed[]; byChannel: Keyed[]; topSmallClasses: Keyed[]; yoy: Summary; mom: Summary
  units?: { key: string; counts: Record<string, number>; rates: Record<string, Rate> }[]
}

const RATE_ROWS = ['closeRate', 'onTimeCloseRate', 'reworkRate', 'extensionRate', 'returnRate', 'overdueRate', 'satisfactionRate', 'selfDiscoveryRate']
const COUNT_ROWS = ['total', 'due', 'closed', 'on_time', 'overdue', 'dispatched', 'rework', 'extension', 'returned', 'evaluated', 'satisfied', 'inspector']

describe('periodic reports API', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let street1: Record<string, string>

  const indicatorsApi = async (q: string, h: Record<string, string>) => {
    const r = await client.get(`/api/v1/analytics/indicators?${q}`, h)
    expect(r.statusCode, r.body).to.equal(200)
    return r.json() as Indicators
  }
  const report = async (path: string, h: Record<string, string>, extra: Record<string, string> = {}) => {
    const r = await client.get(`/api/v1/reports/${path}`, { ...h, ...extra })
    expect(r.statusCode, `${path}: ${r.statusCode === 200 ? '' : r.body}`).to.equal(200)
    return r
  }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    ;[command, street1] = [await loginAs(client, 'command'), await loginAs(client, 'street1')]
    const classes = (await knex('event_class').whereRaw('length(code) = 4').orderBy('code').limit(12).pluck('code')) as string[]
    await insertReportEvents(knex, classes)
  })

  after(async () => {
    await knex('report').where({ city_code: '990100' }).whereIn('label', ['2025-06', '2025-W25', '2025-06-18']).delete()
    await deleteReportEvents(knex)
  })

  it('xlsx: the 指标, 分类 and 单位 sheets hold the indicators API numbers, which equal a recount of the rows', async () => {
    const api = await indicatorsApi('period=2025-06&unit=district', command)
    const rows = await readBack(knex, '2025-06-01T00:00:00+08:00', '2025-07-01T00:00:00+08:00', '9901')
    expect(api.counts.total).to.be.greaterThan(150)
    for (const k of COUNT_ROWS) expect(api.counts[k], `recount ${k}`).to.equal(referenceCounts(rows, new Date('2025-07-01T00:00:00+08:00'))[k as 'total'])
    const r = await report('monthly/2025-06?format=xlsx', command)
    expect(r.headers['content-type']).to.match(/spreadsheetml/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer)
    expect(wb.worksheets.map((w) => w.name)).to.include.members(['指标', '分类', '渠道', '单位', '趋势', '热点'])
    const ind = wb.getWorksheet('指标')!
    expect(String(ind.getCell('A1').value)).to.equal('示范市 2025年6月 月报')
    const byName = new Map<string, ExcelJS.Row>()
    ind.eachRow((row) => byName.set(String(row.getCell(1).value), row))
    const names: Record<string, string> = { total: '事件总数', closed: '结案数', overdue: '超期数', inspector: '主动发现数', due: '应结案数' }
    for (const [k, name] of Object.entries(names)) {
      const row = byName.get(name)!
      expect(row.getCell(2).value, name).to.equal(api.counts[k])
      expect(row.getCell(5).value, `${name} 去年同期`).to.equal(api.yoy.counts[k])
      expect(row.getCell(7).value, `${name} 上期`).to.equal(api.mom.counts[k])
    }
    const rateNames = ['结案率', '按期结案率', '返工率', '延期率', '退回率', '超期率', '满意率', '主动发现率']
    RATE_ROWS.forEach((k, i) => {
      const row = byName.get(rateNames[i]!)!
      const rate = api.rates[k]!
      expect(row.getCell(2).value ?? null, `${k} rate`).to.equal(rate.rate)
      expect(row.getCell(2).numFmt).to.equal('0.0%')
      expect([row.getCell(3).value, row.getCell(4).value], `${k} fraction`).to.deep.equal([rate.numerator, rate.denominator])
      expect(row.getCell(7).value ?? null, `${k} 上期`).to.equal(api.mom.rates[k]!.rate)
    })
    const cls = wb.getWorksheet('分类')!
    const big = new Map<string, unknown>()
    cls.eachRow((row, n) => { if (n > 2 && row.getCell(1).value === '大类') big.set(String(row.getCell(2).value), row.getCell(4).value) })
    expect(Object.fromEntries(big)).to.deep.equal(Object.fromEntries(api.byClass.map((k) => [k.key, k.total])))
    const units = wb.getWorksheet('单位')!
    const unitTotals = new Map<string, unknown>()
    units.eachRow((row, n) => { if (n > 2) unitTotals.set(String(row.getCell(2).value), row.getCell(4).value) })
    expect(Object.fromEntries(unitTotals)).to.deep.equal(Object.fromEntries(api.units!.map((u) => [u.key, u.counts.total])))
    const trend = wb.getWorksheet('趋势')!
    let days = 0, sum = 0
    trend.eachRow((row, n) => { if (n > 2) { days++; sum += row.getCell(2).value as number } })
    expect([days, sum]).to.deep.equal([30, api.counts.total])
  })

  it('html: a street user\'s default report shows the indicators API numbers for its street, and the map one shape per heatmap cell', async () => {
    const api = await indicatorsApi('period=2025-W25&area=990102001000&unit=community', street1)
    const r = await report('weekly/2025-W25', street1)
    expect(r.headers['content-type']).to.equal('text/html; charset=utf-8')
    const html = r.body
    expect(html).to.match(/^<!DOCTYPE html>/)
    const street = (await knex('admin_division').where({ code: '990102001000' }).first('name')).name as string
    expect(html).to.include(`<title>${street} 2025年第25周（6月16日—6月22日） 周报</title>`)
    expect(html).not.to.match(/<script|<link|src="http|href="http/i)
    const n = htmlNumbers(html)
    for (const k of COUNT_ROWS) {
      expect(n.get(`counts.${k}`), k).to.equal(String(api.counts[k]))
      expect(n.get(`yoy.counts.${k}`), `yoy ${k}`).to.equal(String(api.yoy.counts[k]))
      expect(n.get(`mom.counts.${k}`), `mom ${k}`).to.equal(String(api.mom.counts[k]))
    }
    for (const k of RATE_ROWS) {
      expect([n.get(`rates.${k}.numerator`), n.get(`rates.${k}.denominator`)], k)
        .to.deep.equal([String(api.rates[k]!.numerator), String(api.rates[k]!.denominator)])
    }
    for (const u of api.units!) expect(n.get(`units.${u.key}.total`), u.key).to.equal(String(u.counts.total))
    for (const c of api.topSmallClasses) expect(n.get(`topSmallClasses.${c.key}`), c.key).to.equal(String(c.total))
    // the map: the heatmap API at the resolution the map says it draws
    const res = Number(/class="report-map" data-resolution="(\d+)"/.exec(html)?.[1])
    expect(res).to.be.within(5, 11)
    const heat = await client.get(`/api/v1/analytics/heatmap?resolution=${res}&from=2025-06-16&to=2025-06-23&area=990102001000`, street1)
    const cells = (heat.json() as { features: { id: string; properties: { count: number } }[] }).features
    expect(cells.length).to.be.greaterThan(5)
    const drawn = [...html.matchAll(/<path class="heat-cell" data-h3="([0-9a-f]+)" data-count="(\d+)"/g)].map((m) => [m[1], Number(m[2])])
    expect(drawn.map(([h]) => h).sort()).to.deep.equal(cells.map((c) => c.id).sort())
    expect(Object.fromEntries(drawn)).to.deep.equal(Object.fromEntries(cells.map((c) => [c.id, c.properties.count])))
    expect(html).to.include('class="boundary"')
    expect(html).to.include('class="grid"')
    // ECharts SVG text carries the font stack naming the embedded font
    expect(html).to.match(/<text[^>]*font-family:'Noto Sans SC'/)
  })

  it('pdf: a PDF with pages, the CJK font embedded, the same title', async () => {
    const r = await report('daily/2025-06-18?format=pdf&area=990102001000', command)
    const pdf = r.rawPayload
    expect(r.headers['content-type']).to.equal('application/pdf')
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-')
    const text = pdf.toString('latin1')
    expect(text.trimEnd().endsWith('%%EOF')).to.equal(true)
    const pages = Number(/\/Type \/Pages[\s\S]*?\/Count (\d+)/.exec(text)?.[1])
    expect(pages).to.be.greaterThan(1)
    expect(text).to.match(/\/BaseFont \/[A-Z]{6}\+(NotoSansHans|NotoSansCJK|WenQuanYi)/)
    expect(text).to.match(/\/FontFile[23]? /)
    expect(r.headers['content-disposition']).to.match(/^attachment; filename="report-990102001000-daily-2025-06-18\.pdf"; filename\*=UTF-8''/)
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(r.headers['content-disposition'] as string)![1]!))
      .to.equal(`${(await knex('admin_division').where({ code: '990102001000' }).first('name')).name}-2025年6月18日-日报.pdf`)
  })

  it('serves a city report once stored: same bytes and ETag, 304 on If-None-Match, one row per format', async () => {
    const a = await report('monthly/2025-06?format=html', command)
    const b = await report('monthly/2025-06?format=html&area=990100000000', command)
    expect(b.headers.etag).to.equal(a.headers.etag)
    expect(b.body).to.equal(a.body)
    const row = await knex('report').where({ city_code: '990100', kind: 'monthly', label: '2025-06', format: 'html' }).first('sha256')
    expect(a.headers.etag).to.equal(`"${row.sha256}"`)
    const c = await client.get('/api/v1/reports/monthly/2025-06', { ...command, 'if-none-match': a.headers.etag as string })
    expect(c.statusCode).to.equal(304)
    expect(Number((await knex('report').where({ city_code: '990100', label: '2025-06', format: 'html' }).count({ n: '*' }))[0]!.n)).to.equal(1)
    expect(a.headers['content-disposition']).to.match(/^inline; filename="report-990100000000-monthly-2025-06\.html"/)
  })

  it('allows the current period, titled as partial (截至 …)', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
    const r = await report(`daily/${today}`, street1)
    expect(r.body).to.match(/日报（截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）<\/title>/)
    expect(r.headers['content-disposition']).to.include('-partial.html')
  })

  it('keeps to the jurisdiction: an area outside is a 403 naming area; inspectors and anonymous callers are refused', async () => {
    const r = await client.get('/api/v1/reports/monthly/2025-06?area=990102002000', street1)
    expect(r.statusCode).to.equal(403)
    expect(r.json().errors[0].field).to.equal('area')
    expect((await client.get('/api/v1/reports/monthly/2025-06', await loginAs(client, 'inspector'))).statusCode).to.equal(403)
    expect((await client.get('/api/v1/reports/monthly/2025-06')).statusCode).to.equal(401)
  })
})
