// The registers engine (server/registers/): import (CSV and xlsx, all or nothing, dryRun, formula
// injection, zip bombs, sizes), export (rights, masking, neutralised formulas), the register list
// and the grid views, against a register defined by the tests (./engineRegister.ts).
import { expect } from 'chai'
import ExcelJS from 'exceljs'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestDb } from '../support/db.ts'
import { createEngineTable, defineEngineRegister, dropEngineRegister, TABLE } from './engineRegister.ts'

const CSV = 'text/csv; charset=utf-8'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const COMMUNITY = '990102001001'
const OTHER_STREET_COMMUNITY = '990102002001'

let client: Client
let knex: Knex
let street1: Record<string, string>, command: Record<string, string>, analyst: Record<string, string>, auditor: Record<string, string>
let point: { lon: number; lat: number; grid: string }

const count = async () => Number((await knex(TABLE).count<{ n: string }[]>('* as n'))[0]!.n)
const importAs = (headers: Record<string, string>, body: Buffer | string, type = CSV, query = '') =>
  client.request({ method: 'POST', url: `/api/v1/registers/engine-tests/import${query}`, headers: { ...headers, 'content-type': type }, payload: body })

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('台账')
  for (const r of rows) ws.addRow(r)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

describe('registers engine', function () {
  this.timeout(120_000)

  before(async () => {
    knex = await getTestDb()
    await createEngineTable(knex)
    defineEngineRegister()
    client = await testClient()
    street1 = await loginAs(client, 'street1')
    command = await loginAs(client, 'command')
    analyst = await loginAs(client, 'analyst')
    auditor = await loginAs(client, 'auditor')
    const { rows } = await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1`, [COMMUNITY])
    point = { lon: rows[0].lon, lat: rows[0].lat, grid: rows[0].code }
  })
  after(async () => {
    await dropEngineRegister(knex)
  })
  beforeEach(async () => {
    await knex(TABLE).del()
  })

  describe('GET /api/v1/registers', () => {
    it('lists the register with its columns and whether the caller may write', async () => {
      const mine = (await client.get('/api/v1/registers', street1)).json().items.find((r: { name: string }) => r.name === 'engine-tests')
      expect(mine.canWrite).to.equal(true)
      expect(mine.columns.map((c: { name: string }) => c.name)).to.include.members(['code', 'name', 'kind', 'gridCode'])
      expect(mine.columns.find((c: { name: string }) => c.name === 'name').personal).to.equal('name')
      expect(mine.columns.find((c: { name: string }) => c.name === 'kind').options).to.deep.equal({ registered: '户籍', floating: '流动' })
      const theirs = (await client.get('/api/v1/registers', analyst)).json().items.find((r: { name: string }) => r.name === 'engine-tests')
      expect(theirs.canWrite).to.equal(false)
      expect((await client.get('/api/v1/registers', auditor)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/registers')).statusCode).to.equal(401)
    })
  })

  describe('import', () => {
    const header = '编号,姓名,联系电话,类型,登记日期,是否出租,面积,备注,社区代码,经度,纬度'
    const line = (code: string, more: Partial<Record<'name' | 'phone' | 'kind' | 'since' | 'rented' | 'area' | 'note' | 'community', string>> = {}) =>
      [code, more.name ?? '张三', more.phone ?? '13812345678', more.kind ?? '户籍', more.since ?? '2024-03-01', more.rented ?? '否', more.area ?? '88.5',
        more.note ?? '', more.community ?? COMMUNITY, String(point.lon), String(point.lat)].map((v) => (/[,"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')

    it('writes every row of a CSV, typed by column (titles, 是/否, dates) and placed in its grid by PostGIS', async () => {
      const body = [header, line('T0001'), line('T0002', { name: '李四', kind: 'floating', rented: '是', since: '2023/7/9', phone: '+86 13900001111' }),
        line('T0003', { kind: '流动', since: '2022年1月5日', area: '', phone: '0531-88881234' })].join('\r\n')
      const res = await importAs(street1, body)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ register: 'engine-tests', format: 'csv', rows: 3, inserted: 3, updated: 0, valid: true, dryRun: false })
      const rows = await knex(TABLE).orderBy('code').select('code', 'name', 'kind', 'phone', 'rented', 'area', knex.raw(`to_char(since, 'YYYY-MM-DD') AS since`), 'grid_code')
      expect(rows.map((r) => [r.code, r.name, r.kind, r.phone, r.rented, r.since])).to.deep.equal([
        ['T0001', '张三', 'registered', '13812345678', false, '2024-03-01'],
        ['T0002', '李四', 'floating', '13900001111', true, '2023-07-09'],
        ['T0003', '张三', 'floating', '0531-88881234', false, '2022-01-05'],
      ])
      expect(rows[2].area).to.equal(null)
      // the grid each row was placed in, by an independent containment query
      const { rows: ref } = await knex.raw(`SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL
        AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, [point.lon, point.lat])
      expect(ref).to.have.length(1)
      expect(rows.every((r) => r.grid_code === ref[0].code)).to.equal(true)
      // importing again updates by the natural key
      const again = await importAs(street1, body)
      expect(again.json()).to.include({ inserted: 0, updated: 3 })
      expect(await count()).to.equal(3)
    })

    it('dryRun answers the same report and writes nothing', async () => {
      const body = [header, line('T0010'), line('T0011')].join('\n')
      const dry = await importAs(street1, body, CSV, '?dryRun=true')
      expect(dry.statusCode, dry.body).to.equal(200)
      expect(dry.json()).to.include({ dryRun: true, inserted: 2, valid: true })
      expect(await count()).to.equal(0)
      const bad = await importAs(street1, [header, line('T0012', { kind: '常住' })].join('\n'), CSV, '?dryRun=1')
      expect(bad.statusCode).to.equal(422)
      expect(bad.json().problems[0]).to.include({ row: 2, field: 'kind', code: 'registers.cell.enum' })
      // positive control: the same file without dryRun is written
      expect((await importAs(street1, body)).statusCode).to.equal(200)
      expect(await count()).to.equal(2)
    })

    it('refuses formula-like text naming row and field, keeps numbers and +86 phones, writes nothing', async () => {
      const body = [header,
        line('T0020', { note: "=cmd|' /C calc'!A0" }),
        line('T0021', { name: '+SUM(A1:A9)' }),
        line('T0022', { note: '@HYPERLINK("http://x")' }),
        line('T0023', { note: '\t=1+1' }),
        line('T0024', { note: '-2+3' }),
        line('T0025', { note: '备注 a;=cmd|\'/C notepad\'!Z9' }),
        line('T0026', { note: '-5', area: '+12.5', phone: '+86-13812345678' }),
        line('T0027', { note: '正常备注：电话 +86 138' }),
      ].join('\r\n')
      const res = await importAs(street1, body)
      expect(res.statusCode, res.body).to.equal(422)
      const problems = res.json().problems.map((p: { row: number; field: string; code: string }) => `${p.row}:${p.field}:${p.code}`)
      expect(problems).to.deep.equal([
        '2:note:registers.cell.formula_text', '3:name:registers.cell.formula_text', '4:note:registers.cell.formula_text',
        '5:note:registers.cell.formula_text', '6:note:registers.cell.formula_text', '7:note:registers.cell.formula_text',
      ])
      expect(res.json().problemCount).to.equal(6)
      expect(await count()).to.equal(0)
      // positive control: the numeric and phone cells pass on their own
      expect((await importAs(street1, [header, line('T0026', { note: '-5', area: '+12.5', phone: '+86-13812345678' }), line('T0027', { note: '正常备注：电话 +86 138' })].join('\n'))).statusCode).to.equal(200)
      expect((await knex(TABLE).where({ code: 'T0026' }).first()).phone).to.equal('13812345678')
    })

    it('reports every problem with row and field (schema, types, missing and duplicate columns) in Chinese when asked', async () => {
      const body = [header, line('T0030', { phone: '12345' }), line('X1', { since: '2023-02-30' }), line('T0032', { rented: '也许', area: 'abc' })].join('\n')
      const res = await client.request({ method: 'POST', url: '/api/v1/registers/engine-tests/import', headers: { ...street1, 'content-type': CSV, 'accept-language': 'zh-CN' }, payload: body })
      expect(res.statusCode).to.equal(422)
      const got = res.json().problems.map((p: { row: number; field: string; code: string }) => `${p.row}:${p.field}:${p.code}`)
      expect(got).to.have.members(['2:phone:registers.invalid', '3:since:registers.cell.date', '3:code:registers.invalid', '4:rented:registers.cell.boolean', '4:area:registers.cell.number'])
      expect(res.json().problems.find((p: { field: string }) => p.field === 'rented').message).to.equal('应为“是”或“否”')
      expect(res.json().detail).to.match(/未写入任何数据/)
      const missing = await importAs(street1, '编号,姓名,姓名\nT0040,张三,李四\n')
      expect(missing.statusCode).to.equal(422)
      const m = missing.json().problems.map((p: { row: number; field: string; code: string }) => `${p.row}:${p.field}:${p.code}`)
      expect(m).to.include.members(['1:name:registers.duplicate_column', '1:kind:registers.missing_column', '1:communityCode:registers.missing_column'])
      expect(await count()).to.equal(0)
    })

    it('rolls the whole file back when the register refuses a row (RegisterRowError), naming it', async () => {
      const body = [header, line('T0050'), line('T0051'), line('T0052', { community: '990102001099' })].join('\n')
      const res = await importAs(street1, body)
      expect(res.statusCode, res.body).to.equal(422)
      expect(res.json().problems).to.deep.equal([{ row: 4, field: 'communityCode', title: '社区代码', code: 'engine.no_community', message: 'no community 990102001099' }])
      expect(await count()).to.equal(0)
    })

    it('answers 403 for rows outside the jurisdiction and for roles that may not write', async () => {
      const res = await importAs(street1, [header, line('T0060'), line('T0061', { community: OTHER_STREET_COMMUNITY })].join('\n'))
      expect(res.statusCode).to.equal(403)
      expect(res.json().outside).to.deep.equal([{ row: 3, communityCode: OTHER_STREET_COMMUNITY }])
      expect((await importAs(analyst, [header, line('T0062')].join('\n'))).statusCode).to.equal(403)
      expect((await importAs(auditor, [header, line('T0062')].join('\n'))).statusCode).to.equal(403)
      expect(await count()).to.equal(0)
      expect((await importAs(command, [header, line('T0061', { community: OTHER_STREET_COMMUNITY })].join('\n'))).statusCode).to.equal(200)
    })

    it('reads GBK CSV and an export\'s second header row', async () => {
      // 王五 and 户籍 in GBK; field names as the header, the names row of an export under it
      const gbk = (hex: string) => Buffer.from(hex, 'hex')
      const ascii = (t: string) => Buffer.from(t, 'latin1')
      const body = Buffer.concat([ascii('code,name,kind,communityCode\r\ncode,name,kind,communityCode\r\nT0070,'), gbk('cdf5cee5'), ascii(','), gbk('bba7bcae'), ascii(`,${COMMUNITY}\r\n`)])
      const res = await importAs(street1, body, 'text/csv')
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ rows: 1, inserted: 1, encoding: 'gb18030' })
      const row = await knex(TABLE).first()
      expect([row.name, row.kind]).to.deep.equal(['王五', 'registered'])
    })

    it('refuses unknown registers, bad media types, empty and oversized bodies', async () => {
      expect((await client.request({ method: 'POST', url: '/api/v1/registers/nothing-here/import', headers: { ...street1, 'content-type': CSV }, payload: 'a,b\n1,2' })).statusCode).to.equal(404)
      expect((await client.request({ method: 'POST', url: '/api/v1/registers/Bad_Name/import', headers: { ...street1, 'content-type': CSV }, payload: 'a,b\n1,2' })).statusCode).to.equal(400)
      expect((await importAs(street1, '{"a":1}', 'application/json')).statusCode).to.equal(415)
      expect((await importAs(street1, 'a,b', 'text/plain')).statusCode).to.equal(415)
      expect((await importAs(street1, '', CSV)).statusCode).to.equal(400)
      expect((await importAs(street1, `${header}\n`, CSV)).statusCode).to.equal(400)
      expect((await importAs(street1, `${header}\n${line('T1')}`, CSV, '?dryRun=maybe')).json().code).to.equal('http.validation_failed')
      // 50 MB: refused from its Content-Length
      const big = Buffer.alloc(50 * 1024 * 1024, 0x41)
      const res = await importAs(street1, big, CSV)
      expect(res.statusCode).to.equal(413)
      expect(res.json().code).to.equal('registers.too_large')
      expect(await count()).to.equal(0)
    })
  })

  describe('xlsx import', () => {
    const head = ['编号', '姓名', '联系电话', '类型', '登记日期', '是否出租', '社区代码', '经度', '纬度']

    it('imports a workbook: date cells, Excel serials, booleans and numbers', async () => {
      const body = await xlsxOf([head,
        ['T0100', '赵六', '13812345678', '户籍', new Date(Date.UTC(2021, 4, 6)), true, COMMUNITY, point.lon, point.lat],
        ['T0101', '钱七', 13912345678, 'floating', 45000, '否', COMMUNITY, point.lon, point.lat]])
      const res = await importAs(street1, body, XLSX)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.json()).to.include({ format: 'xlsx', inserted: 2 })
      const rows = await knex(TABLE).orderBy('code').select('code', 'phone', 'rented', knex.raw(`to_char(since, 'YYYY-MM-DD') AS since`))
      // 45000 is 2023-03-15 in Excel's 1900 date system (25569 is 1970-01-01)
      expect(rows.map((r) => [r.code, r.phone, r.rented, r.since])).to.deep.equal([['T0100', '13812345678', true, '2021-05-06'], ['T0101', '13912345678', false, '2023-03-15']])
      expect(new Date(Date.UTC(1970, 0, 1) + (45000 - 25569) * 86_400_000).toISOString().slice(0, 10)).to.equal('2023-03-15')
    })

    it('refuses formula cells and formula text with row and field; an ID-like number is not a date', async () => {
      const body = await xlsxOf([head,
        ['T0110', { formula: 'HYPERLINK("http://evil","x")', result: 'x' }, '13812345678', '户籍', '2021-01-01', '否', COMMUNITY, point.lon, point.lat],
        ['T0111', '=1+1', '13812345678', '户籍', '2021-01-01', '否', COMMUNITY, point.lon, point.lat],
        ['T0112', '孙八', '13812345678', '户籍', '2021-01-01', '否', COMMUNITY, { formula: 'A1*2', result: 3 }, point.lat]])
      const res = await importAs(street1, body, XLSX)
      expect(res.statusCode, res.body).to.equal(422)
      expect(res.json().problems.map((p: { row: number; field: string; code: string }) => `${p.row}:${p.field}:${p.code}`)).to.deep.equal([
        '2:name:registers.cell.formula', '3:name:registers.cell.formula_text', '4:lon:registers.cell.formula'])
      expect(await count()).to.equal(0)
    })

    it('refuses a zip bomb by its declared size, a zip that lies about its sizes, and entries the directory does not list', async () => {
      const { zip } = await import('./zipBuilder.ts')
      const zeros = Buffer.alloc(8 * 1024 * 1024)
      const declaredHuge = zip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name: 'xl/worksheets/sheet1.xml', data: zeros, declare: 300 * 1024 * 1024 }])
      const r1 = await importAs(street1, declaredHuge, XLSX)
      expect(r1.statusCode).to.equal(413)
      expect(r1.json().code).to.equal('registers.xlsx_inflates_too_much')
      const lying = zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, declare: 1000 }])
      const r2 = await importAs(street1, lying, XLSX)
      expect(r2.statusCode).to.equal(400)
      expect(r2.json().code).to.equal('registers.bad_xlsx')
      const hidden = zip([{ name: 'a.xml', data: Buffer.from('<a/>') }, { name: 'xl/worksheets/sheet1.xml', data: zeros, hidden: true }])
      const r3 = await importAs(street1, hidden, XLSX)
      expect(r3.statusCode).to.equal(400)
      expect(r3.json().detail).to.match(/unlisted bytes|central directory/)
      expect((await importAs(street1, Buffer.from('PK\u0003\u0004garbage'), XLSX)).statusCode).to.equal(400)
      // positive control: the builder's honest zip of a real workbook's entries passes the guard
      const { checkXlsxZip } = await import('../../server/registers/zipGuard.ts')
      await checkXlsxZip(zip([{ name: 'a.xml', data: Buffer.from('<a/>') }, { name: 'b.xml', data: zeros }]))
    })
  })
})
