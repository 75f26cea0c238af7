// 部门职能盲区 (/api/v1/blind-spots): a class bouncing in a street with no single unit in the
// responsibility list is registered missing; a list naming two units for an area is an overlap;
// a configuration version naming one unit resolves the gap and is named as the resolution.
import { expect } from 'chai'
import { uniq } from '../events/helpers.ts'
import { fieldOf, world, type World } from '../fieldSteps/support.ts'

interface Gap { id: number; kind: string; class: { code: string }; area: { code: string }; eventNumbers: string[]; state: string; configRef: string | null }

describe('responsibility blind spots (/api/v1/blind-spots)', function () {
  let w: World
  /** PUT and PATCH: the test client has get and post only */
  const send = (method: 'PUT' | 'PATCH', url: string, body: unknown, headers: Record<string, string> | undefined) =>
    w.client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) })
  /** a new class version in force from now, with its responsibility list (0050 config_version rows) */
  const configure = async (classCode: string, responsibility: unknown[]) => {
    const now = new Date()
    const cur = await w.knex('config_version').where({ kind: 'classes', key: classCode }).whereNull('effective_to').orderBy('effective_from', 'desc').first()
    await w.knex('config_version').where('id', cur.id).update({ effective_to: now })
    const [row] = await w.knex('config_version').insert({ kind: 'classes', key: classCode, effective_from: now, body: { ...cur.body, responsibility },
      reason: '测试：明确责任单位', created_by_name: '测试' }).returning('id')
    return Number(row.id)
  }
  before(async () => {
    w = await world()
    const res = await send('PUT', '/api/v1/hard-cases/rule', { bounces: 2, overdueHours: 5000, units: 5, reason: '测试' }, w.auth.command)
    expect(res.statusCode, res.body).to.equal(200)
  })

  it('bounced orders open a missing gap; a configuration naming one unit resolves it', async () => {
    const e = await w.report({ classCode: '0102', description: uniq('垃圾无人清运') })
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'SQ-990102001001' })
    await w.ok(e.number, 'command', { action: 'reassign', departmentCode: 'CGJ-990102' })
    const d = await w.client.post('/api/v1/blind-spots/detect', {}, w.auth.street1)
    expect(d.statusCode, d.body).to.equal(200)
    const gap = (d.json().register as Gap[]).find((g) => g.kind === 'missing' && g.class.code === '0102' && g.area.code === '990102001000')!
    expect(gap.eventNumbers).to.include(e.number)
    // what the register holds for the class and street, straight from the table
    const rows = await w.knex('responsibility_gap').where({ class_code: '0102', area_code: '990102001000', kind: 'missing', state: 'open' })
    expect(rows.map((r) => Number(r.id))).to.deep.equal([gap.id])
    // the street's list names one unit now: the next detection resolves the gap by that version
    const version = await configure('0102', [{ areaCode: '990102001000', departmentCode: 'CGJ-990102' }])
    const again = await w.client.post('/api/v1/blind-spots/detect', {}, w.auth.street1)
    expect(again.json().resolved).to.include(gap.id)
    const all = await w.client.get('/api/v1/blind-spots?state=resolved&limit=500', w.auth.street1)
    const r = (all.json().items as Gap[]).find((g) => g.id === gap.id)!
    expect(r).to.include({ state: 'resolved', configRef: `config_version:${version}` })
  })

  it('a list naming two units for one area is an overlap', async () => {
    await configure('0103', [{ areaCode: '990102001000', departmentCode: 'CGJ-990102' }, { areaCode: '990102001000', departmentCode: 'JD-990102001000' }])
    const d = await w.client.post('/api/v1/blind-spots/detect', {}, w.auth.street1)
    const gap = (d.json().register as Gap[]).find((g) => g.kind === 'overlap' && g.class.code === '0103')
    expect(gap?.area.code).to.equal('990102001000')
  })

  it('by hand: entered, a duplicate open gap is a 409, resolved; bad input names the field', async () => {
    const res = await w.client.post('/api/v1/blind-spots', { kind: 'missing', classCode: '0104', areaCode: '990102001001', note: '井盖破损无人认领' }, w.auth.street1)
    expect(res.statusCode, res.body).to.equal(201)
    const dup = await w.client.post('/api/v1/blind-spots', { kind: 'missing', classCode: '0104', areaCode: '990102001001', note: '再次' }, w.auth.street1)
    expect(dup.statusCode).to.equal(409)
    const away = await w.client.post('/api/v1/blind-spots', { kind: 'missing', classCode: '0104', areaCode: '990102002001', note: 'x' }, w.auth.street1)
    expect(away.statusCode).to.equal(400)
    expect(fieldOf(away.body)).to.equal('areaCode')
    const noClass = await w.client.post('/api/v1/blind-spots', { kind: 'missing', areaCode: '990102001001', note: 'x' }, w.auth.street1)
    expect(fieldOf(noClass.body)).to.equal('classCode')
    const ok = await w.client.post(`/api/v1/blind-spots/${res.json().id}/resolve`, { resolution: '明确由市政部门负责', configRef: 'classes/0104' }, w.auth.street1)
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(ok.json()).to.include({ state: 'resolved', configRef: 'classes/0104' })
    expect((await w.client.post(`/api/v1/blind-spots/${res.json().id}/resolve`, { resolution: 'x' }, w.auth.street2)).statusCode).to.equal(404)
  })
})
