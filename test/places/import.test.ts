// Import of units, places and organisations through the registers engine: set-based upserts on
// the natural key, credit codes checked with row and field named, the jurisdiction kept.
import { expect } from 'chai'
import { COMMUNITY, OTHER_STREET_COMMUNITY, getWorld, newCreditCode, pointIn, type World } from './support.ts'
import { registerNamed } from '../../server/registers/registry.ts'

let w: World
const CSV = 'text/csv; charset=utf-8'
const csv = (rows: string[][]) => rows.map((r) => r.map((v) => (/[,"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n')
const importAs = (register: string, body: string, who = 'street1', query = '') =>
  w.client.request({ method: 'POST', url: `/api/v1/registers/${register}/import${query}`, headers: { ...w.as[who], 'content-type': CSV }, payload: body })

describe('places: import', function () {
  this.timeout(120_000)
  let point: { lon: number; lat: number; grid: string }
  before(async () => {
    w = await getWorld()
    point = await pointIn(w.knex, COMMUNITY)
  })

  it('defines the three registers with their columns', () => {
    for (const name of ['places', 'units', 'organisations']) expect(registerNamed(name), name).to.not.equal(undefined)
    expect(registerNamed('units')!.columns.find((c) => c.name === 'creditCode')!.type).to.equal('creditCode')
  })

  it('inserts then updates units by credit code, in the grid of their point', async () => {
    const a = newCreditCode()
    const b = newCreditCode()
    const header = ['单位名称', '单位类型', '统一社会信用代码', '法定代表人', '联系电话', '从业人数', '所属社区', '经度', '纬度']
    const body = csv([header,
      ['导入测试甲公司', '企业', a, '赵一', '13800001111', '12', COMMUNITY, String(point.lon), String(point.lat)],
      ['导入测试乙商铺', 'shop', b, '', '', '', COMMUNITY, '', '']])
    const res = await importAs('units', body)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ inserted: 2, updated: 0 })
    const rows = await w.knex('unit').whereIn('credit_code', [a, b]).orderBy('credit_code').select('credit_code', 'name', 'grid_code', 'version', 'employees')
    expect(rows.find((r) => r.credit_code === a)).to.include({ name: '导入测试甲公司', grid_code: point.grid, version: 1, employees: 12 })
    expect(rows.find((r) => r.credit_code === b)!.grid_code).to.equal(null)
    const again = await importAs('units', body.replace('导入测试甲公司', '导入测试甲公司（更名）'))
    expect(again.json()).to.include({ inserted: 0, updated: 2 })
    const after = await w.knex('unit').where({ credit_code: a }).first()
    expect(after).to.include({ name: '导入测试甲公司（更名）', version: 2 })
    expect(Number((await w.knex('unit').whereIn('credit_code', [a, b]).count<{ n: string }[]>('* as n'))[0]!.n)).to.equal(2)
  })

  it('refuses a file with a wrong check character or a repeated code naming row and field, writing nothing', async () => {
    const good = newCreditCode()
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
    const header = ['单位名称', '单位类型', '统一社会信用代码', '所属社区']
    const res = await importAs('units', csv([header, ['导入测试丙', '企业', newCreditCode(), COMMUNITY], ['导入测试丁', '企业', bad, COMMUNITY]]))
    expect(res.statusCode, res.body).to.equal(422)
    const p = res.json().problems[0]
    expect(p).to.include({ row: 3, field: 'creditCode' })
    const dup = await importAs('units', csv([header, ['导入测试戊', '企业', good, COMMUNITY], ['导入测试己', '企业', good, COMMUNITY]]))
    expect(dup.statusCode, dup.body).to.equal(422)
    expect(dup.json().problems[0]).to.include({ row: 3, field: 'creditCode' })
    expect(Number((await w.knex('unit').where('name', 'like', '导入测试_').count<{ n: string }[]>('* as n'))[0]!.n)).to.equal(0)
  })

  it('refuses to overwrite a unit registered outside the caller\'s jurisdiction', async () => {
    const code = newCreditCode()
    const made = await w.client.post('/api/v1/units', { name: '外街道单位', kind: 'shop', creditCode: code, communityCode: OTHER_STREET_COMMUNITY }, w.as.street2)
    expect(made.statusCode, made.body).to.equal(201)
    const res = await importAs('units', csv([['单位名称', '单位类型', '统一社会信用代码', '所属社区'], ['抢注单位', '商铺', code, COMMUNITY]]))
    expect(res.statusCode).to.be.oneOf([403, 422])
    expect(JSON.stringify(res.json())).to.include('creditCode')
    expect((await w.knex('unit').where({ credit_code: code }).first()).name).to.equal('外街道单位')
  })

  it('upserts places and organisations by name within the community', async () => {
    const header = ['场所名称', '场所类型', '风险等级', '周边范围（米）', '所属社区']
    const first = await importAs('places', csv([header, ['导入测试实验小学', '学校', '低', '250', COMMUNITY], ['导入测试菜市场', '农贸市场', '', '', COMMUNITY]]))
    expect(first.statusCode, first.body).to.equal(200)
    expect(first.json()).to.include({ inserted: 2, updated: 0 })
    const second = await importAs('places', csv([header, ['导入测试实验小学', '学校', '高', '300', COMMUNITY]]))
    expect(second.json()).to.include({ inserted: 0, updated: 1 })
    expect(await w.knex('place').where({ name: '导入测试实验小学' }).first()).to.include({ risk_level: 'high', surroundings_radius_m: 300, version: 2 })
    expect((await w.knex('place').where({ name: '导入测试菜市场' }).first()).risk_level).to.equal('low')
    const bad = await importAs('places', csv([header, ['导入测试菜市场二', '农贸市场', '', '200', COMMUNITY]]))
    expect(bad.statusCode).to.equal(422)
    expect(bad.json().problems[0]).to.include({ row: 2, field: 'surroundingsRadiusM' })
    const org = await importAs('organisations', csv([['组织名称', '组织类型', '所属社区'], ['导入测试志愿服务队', '社区社会组织', COMMUNITY]]))
    expect(org.statusCode, org.body).to.equal(200)
    expect(org.json()).to.include({ inserted: 1 })
  })

  it('exports units masked for staff who do not hold them and in full for the command centre; the grid view counts them', async () => {
    const made = await w.client.post('/api/v1/units', { name: '导出测试公司', kind: 'enterprise', creditCode: newCreditCode(), legalPerson: '欧阳娜娜',
      contactPhone: '0531-88881234', lon: point.lon, lat: point.lat }, w.as.street1)
    expect(made.statusCode, made.body).to.equal(201)
    const exportAs = (who: string) => w.client.get(`/api/v1/registers/units/export?format=csv&community=${COMMUNITY}`, w.as[who])
    const street = await exportAs('street1')
    expect(street.statusCode, street.body.slice(0, 200)).to.equal(200)
    expect(street.body).to.include('导出测试公司').and.include('欧***').and.not.include('欧阳娜娜')
    expect(street.body).to.not.include('0531-88881234')
    const command = await exportAs('command')
    expect(command.body).to.include('欧阳娜娜')
    expect((await exportAs('street2')).body).to.not.include('导出测试公司')
    // the grid view: as many units as the table holds in that grid (a hand count)
    const view = await w.client.get(`/api/v1/registers/grids/${point.grid}`, w.as.command)
    expect(view.statusCode, view.body.slice(0, 300)).to.equal(200)
    const units = Number((await w.knex('unit').where({ grid_code: point.grid }).count<{ n: string }[]>('* as n'))[0]!.n)
    expect(units).to.be.greaterThan(0)
    const section = view.json().registers.find((r: { name: string }) => r.name === 'units')
    expect(section.total).to.equal(units)
    const stale = Number((await w.knex('unit').where({ grid_code: point.grid }).where((q) => q.whereNull('verified_at')
      .orWhere('verified_at', '<', new Date(Date.now() - view.json().staleDays * 86_400_000))).count<{ n: string }[]>('* as n'))[0]!.n)
    expect(section.stale).to.be.within(stale - 1, stale)
    expect(JSON.stringify(section.items)).to.include('导出测试公司')
  })
})
