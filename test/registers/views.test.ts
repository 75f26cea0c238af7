// Register exports (rights, masking, neutralised formulas, xlsx read back) and the grid views
// (one grid; the inspector's 一员多格), against the tests' own register (./engineRegister.ts).
// Counts are checked against independent SQL (points contained in the grid's polygon).
import { expect } from 'chai'
import ExcelJS from 'exceljs'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { getTestDb } from '../support/db.ts'
import { createEngineTable, defineEngineRegister, dropEngineRegister, TABLE } from './engineRegister.ts'

const COMMUNITY = '990102001001'
const OTHER = '990102002001'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

let client: Client
let knex: Knex
const as: Record<string, Record<string, string>> = {}
let grids: { code: string; lon: number; lat: number }[]
let other: { code: string; lon: number; lat: number }
let addedAssignment: { grid_code: string; member_id: number } | undefined

/** Rows placed by SQL alone: geom inside the grid, grid_code from the polygon that contains it. */
async function plant(code: string, g: { lon: number; lat: number }, community: string, note: string | null, verifiedDaysAgo: number | null): Promise<void> {
  await knex.raw(`INSERT INTO engine_test_row (city_code, community_code, grid_code, code, name, phone, kind, note, geom, verified_at)
    SELECT '990100', ?, (SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL AND ST_Contains(geom, p.geom)), ?, '张三丰', '13812345678', 'registered', ?, p.geom,
      CASE WHEN ?::int IS NULL THEN NULL ELSE now() - make_interval(days => ?::int) END
    FROM (SELECT ST_SetSRID(ST_MakePoint(?, ?), 4490) AS geom) p`, [community, code, note, verifiedDaysAgo, verifiedDaysAgo, g.lon, g.lat])
}

async function readXlsx(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(buf as unknown as ArrayBuffer)
  return wb.worksheets[0]!
}

describe('registers: exports and grid views', function () {
  this.timeout(120_000)

  before(async () => {
    knex = await getTestDb()
    await createEngineTable(knex)
    defineEngineRegister()
    client = await testClient()
    for (const u of ['street1', 'command', 'analyst', 'auditor', 'inspector', 'department']) as[u] = await loginAs(client, u)
    const { rows } = await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 2`, [COMMUNITY])
    grids = rows
    other = (await knex.raw(`SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
      FROM grid WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1`, [OTHER])).rows[0]
    await plant('T0001', grids[0]!, COMMUNITY, '=1+1', null)
    await plant('T0002', grids[0]!, COMMUNITY, "@SUM(1)|'x'!A1", 200)
    await plant('T0003', grids[0]!, COMMUNITY, '-3', 10)
    await plant('T0004', grids[0]!, COMMUNITY, '普通备注', 40)
    await plant('T0005', grids[1]!, COMMUNITY, null, 1)
    await plant('T0006', other, OTHER, null, null)
  })
  after(async () => {
    if (addedAssignment) await knex('grid_assignment').where(addedAssignment).del()
    await dropEngineRegister(knex)
  })

  describe('GET /api/v1/registers/{name}/export', () => {
    it('exports CSV within the jurisdiction, masked for territory staff, formulas neutralised', async () => {
      const res = await client.get('/api/v1/registers/engine-tests/export?format=csv', as.street1)
      expect(res.statusCode, res.body).to.equal(200)
      expect(res.headers['content-type']).to.match(/^text\/csv/)
      const expected = Number((await knex(TABLE).where('community_code', 'like', '990102001%').count<{ n: string }[]>('* as n'))[0]!.n)
      expect(expected).to.equal(5)
      expect(res.headers['x-row-count']).to.equal(String(expected))
      const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n')
      expect(lines).to.have.length(expected + 2)
      expect(lines[0]).to.match(/^"编号","姓名","联系电话"/)
      expect(lines[1]).to.match(/^"code","name","phone"/)
      expect(res.body).to.include('"张**"').and.include('"138****5678"').and.not.include('张三丰').and.not.include('13812345678')
      expect(res.body).to.include(`"'=1+1"`).and.include(`"'@SUM(1)|'x'!A1"`).and.include('"-3"').and.include('"普通备注"')
      expect(res.body).to.not.match(/(^|,)"[=+@]/m)
    })

    it('exports everything in full to the command centre, filtered by community or grid', async () => {
      const all = await client.get('/api/v1/registers/engine-tests/export?format=csv', as.command)
      expect(all.headers['x-row-count']).to.equal('6')
      expect(all.body).to.include('张三丰')
      const street2 = await client.get('/api/v1/registers/engine-tests/export?format=csv&community=990102002', as.command)
      expect(street2.headers['x-row-count']).to.equal('1')
      const grid = await client.get(`/api/v1/registers/engine-tests/export?format=csv&grid=${grids[1]!.code}`, as.command)
      expect(grid.headers['x-row-count']).to.equal('1')
      expect(grid.body).to.include('T0005')
    })

    it('writes xlsx cells as values, never formulas, and the file imports again', async () => {
      const res = await client.request({ method: 'GET', url: '/api/v1/registers/engine-tests/export?format=xlsx&community=990102001', headers: as.command })
      expect(res.statusCode).to.equal(200)
      expect(res.headers['content-type']).to.equal(XLSX)
      const sheet = await readXlsx(res.rawPayload)
      let cells = 0, formulas = 0
      const notes: unknown[] = []
      sheet.eachRow((row) => row.eachCell((cell) => {
        cells++
        if (cell.type === ExcelJS.ValueType.Formula || cell.formula) formulas++
      }))
      sheet.eachRow((row, n) => { if (n > 2) notes.push(row.getCell(8).value) })
      expect(cells).to.be.greaterThan(20)
      expect(formulas).to.equal(0)
      expect(notes).to.include('=1+1')
      expect(sheet.getRow(1).getCell(1).value).to.equal('编号')
      expect(sheet.getRow(2).getCell(1).value).to.equal('code')
      // the export of clean rows goes back in unchanged (its formula-like notes are refused: safe both ways)
      const clean = await client.request({ method: 'GET', url: `/api/v1/registers/engine-tests/export?format=xlsx&grid=${grids[1]!.code}`, headers: as.command })
      const back = await client.request({ method: 'POST', url: '/api/v1/registers/engine-tests/import?dryRun=true', headers: { ...as.command, 'content-type': XLSX }, payload: clean.rawPayload })
      expect(back.statusCode, back.body).to.equal(200)
      expect(back.json()).to.include({ rows: 1, updated: 1, inserted: 0 })
      const dirty = await client.request({ method: 'POST', url: '/api/v1/registers/engine-tests/import?dryRun=true', headers: { ...as.command, 'content-type': XLSX }, payload: res.rawPayload })
      expect(dirty.statusCode).to.equal(422)
      expect(dirty.json().problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).to.include('note:registers.cell.formula_text')
    })

    it('refuses roles without the right, bad parameters and unknown registers', async () => {
      expect((await client.get('/api/v1/registers/engine-tests/export', as.auditor)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/registers/engine-tests/export')).statusCode).to.equal(401)
      expect((await client.get('/api/v1/registers/engine-tests/export?format=pdf', as.street1)).statusCode).to.equal(400)
      expect((await client.get('/api/v1/registers/engine-tests/export?community=99%27', as.street1)).statusCode).to.equal(400)
      expect((await client.get('/api/v1/registers/engine-tests/export?extra=1', as.street1)).statusCode).to.equal(400)
      expect((await client.get('/api/v1/registers/none-such/export', as.street1)).statusCode).to.equal(404)
      // a community outside the jurisdiction exports nothing, rather than an error that confirms it
      const outside = await client.get('/api/v1/registers/engine-tests/export?format=csv&community=990102002', as.street1)
      expect(outside.headers['x-row-count']).to.equal('0')
      const analyst = await client.get('/api/v1/registers/engine-tests/export?format=csv', as.analyst)
      expect(analyst.headers['x-row-count']).to.equal('6')
      expect(analyst.body).to.not.include('张三丰')
    })
  })

  describe('GET /api/v1/registers/grids/{code}', () => {
    it('counts the rows of the grid and the stale ones, against the polygon and the staleness period', async () => {
      const g = grids[0]!.code
      const { rows: ref } = await knex.raw(`SELECT count(*)::int AS total,
          count(*) FILTER (WHERE r.verified_at IS NULL OR r.verified_at < now() - interval '30 days')::int AS stale30,
          count(*) FILTER (WHERE r.verified_at IS NULL OR r.verified_at < now() - interval '365 days')::int AS stale365
        FROM engine_test_row r JOIN grid g ON g.code = ? AND g.valid_to IS NULL AND ST_Contains(g.geom, r.geom)`, [g])
      expect(ref[0]).to.deep.equal({ total: 4, stale30: 3, stale365: 1 })
      const res = await client.get(`/api/v1/registers/grids/${g}?staleDays=30`, as.street1)
      expect(res.statusCode, res.body).to.equal(200)
      const section = res.json().registers.find((r: { name: string }) => r.name === 'engine-tests')
      expect([section.total, section.stale]).to.deep.equal([ref[0].total, ref[0].stale30])
      expect(section.items.map((i: { stale: boolean }) => i.stale)).to.deep.equal([true, true, true, false])
      expect(section.items[0].name).to.equal('张**')
      expect(res.json().grid).to.include({ code: g, communityCode: COMMUNITY })
      const year = (await client.get(`/api/v1/registers/grids/${g}?staleDays=365&limit=2`, as.street1)).json()
      const s365 = year.registers.find((r: { name: string }) => r.name === 'engine-tests')
      expect([s365.total, s365.stale, s365.items.length]).to.deep.equal([ref[0].total, ref[0].stale365, 2])
      expect(year.total).to.be.at.least(s365.total)
    })

    it('answers 404 outside the jurisdiction and 400 for bad codes or parameters', async () => {
      expect((await client.get(`/api/v1/registers/grids/${other.code}`, as.street1)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/registers/grids/${other.code}`, as.command)).statusCode).to.equal(200)
      expect((await client.get('/api/v1/registers/grids/12345', as.street1)).statusCode).to.equal(400)
      expect((await client.get(`/api/v1/registers/grids/${grids[0]!.code}?staleDays=0`, as.street1)).statusCode).to.equal(400)
      expect((await client.get(`/api/v1/registers/grids/${grids[0]!.code}?limit=99999`, as.street1)).statusCode).to.equal(400)
      expect((await client.get(`/api/v1/registers/grids/${grids[0]!.code}`, as.auditor)).statusCode).to.equal(403)
    })
  })

  describe('GET /api/v1/registers/mine', () => {
    it('gives the inspector every grid it serves, each with its rows and what is stale, in full', async () => {
      const { rows: member } = await knex.raw(`SELECT m.id FROM grid_member m JOIN app_user u ON u.id = m.user_id WHERE u.username = 'inspector'`)
      addedAssignment = { grid_code: grids[1]!.code, member_id: Number(member[0].id) }
      await knex('grid_assignment').insert({ ...addedAssignment, is_primary: false, valid_from: knex.raw("now() - interval '1 day'") })
      const { rows: served } = await knex.raw(`SELECT DISTINCT a.grid_code FROM grid_assignment a WHERE a.member_id = ? AND a.valid_to IS NULL ORDER BY 1`, [member[0].id])
      const res = await client.get('/api/v1/registers/mine?staleDays=30', as.inspector)
      expect(res.statusCode, res.body).to.equal(200)
      const body = res.json()
      expect(body.grids.map((g: { grid: { code: string } }) => g.grid.code)).to.deep.equal(served.map((s: { grid_code: string }) => s.grid_code))
      expect(body.grids.map((g: { grid: { code: string } }) => g.grid.code)).to.include.members([grids[0]!.code, grids[1]!.code])
      const sectionOf = (code: string) => body.grids.find((g: { grid: { code: string } }) => g.grid.code === code).registers.find((r: { name: string }) => r.name === 'engine-tests')
      expect([sectionOf(grids[0]!.code).total, sectionOf(grids[0]!.code).stale]).to.deep.equal([4, 3])
      expect([sectionOf(grids[1]!.code).total, sectionOf(grids[1]!.code).stale]).to.deep.equal([1, 0])
      // the member's own grids: the rows it collects are shown in full
      expect(sectionOf(grids[0]!.code).items[0].name).to.equal('张三丰')
      expect((await client.get('/api/v1/registers/mine', as.street1)).statusCode).to.equal(403)
      expect((await client.get('/api/v1/registers/mine?staleDays=abc', as.inspector)).statusCode).to.equal(400)
    })
  })
})
