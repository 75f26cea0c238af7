// The special groups as a register of the generic layer: import (set-based, all or nothing, the
// refused row and field named), export (masked by the one rule, every row audited), the grid's
// view; and the demo generator (a small share of residents, months of visits, some overdue).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient } from '../support/http.ts'
import { findUserByName, toPrincipal, type Principal } from '../../server/auth/users.ts'
import { registerNamed, RegisterRowError, type RegisterDef } from '../../server/registers/registry.ts'
import { newScope, runInScope } from '../../server/audit/scope.ts'
import { createBody } from '../../server/special-groups/schemas.ts'
import { DEFAULT_INTERVAL_DAYS } from '../../server/special-groups/plan.ts'
import { loadDemoSpecial } from '../../fixtures/registers/special.ts'
import { checkCharacter, sealIdNumber } from '../../server/privacy/idNumber.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'
import { ownCommunity, OWN_COMMUNITY, OWN_GRID, plantResident, type PlantedResident, removeOwnCommunities } from './support.ts'

const DAY = 86_400_000

describe('special groups: import, export, grid view and demo data', function () {
  after(async () => removeOwnCommunities(await getTestDb()))
  this.timeout(120_000)
  let knex: Knex
  let def: RegisterDef
  let street1: Principal
  let street2: Principal
  const residents: PlantedResident[] = []

  before(async () => {
    await testClient() // builds the routes, which define the register
    knex = await getTestDb()
    def = registerNamed('special-groups')!
    street1 = toPrincipal((await findUserByName(knex, 'street1'))!, 'user')
    street2 = toPrincipal((await findUserByName(knex, 'street2'))!, 'user')
    await ownCommunity(knex)
    for (let k = 0; k < 4; k++) residents.push(await plantResident(knex, OWN_GRID, { name: `上官导入${k}`, k: 10 + k }))
  })

  const parsed = (rows: Record<string, unknown>[]) => rows.map((r) => createBody.parse(r))
  const importAs = (p: Principal, rows: Record<string, unknown>[]) =>
    knex.transaction((trx) => def.importRows(trx, parsed(rows), { principal: p, cityCode: '990100', rowNumbers: rows.map((_, i) => i + 2) }))
  const countOf = async () => Number((await knex('special_group').whereIn('resident_id', residents.map((r) => r.id)).count({ n: '*' }))[0]!.n)

  it('describes itself: columns, roles, layer, and the create body as its row schema', () => {
    expect(def).to.include({ name: 'special-groups', title: '特殊人群', layer: 'special_groups' })
    expect(def.readRoles).to.not.include('gis_analyst')
    const personal = def.columns.filter((c) => c.personal).map((c) => c.name)
    expect(personal).to.deep.equal(['residentIdNumber', 'residentName', 'guardianName', 'guardianPhone'])
    const bad = createBody.safeParse({ residentIdNumber: '110101199003070000', kind: 'drug', riskLevel: 'low', since: '2026-01-01' })
    expect(bad.success).to.equal(false)
    expect(bad.error!.issues[0]!.path).to.deep.equal(['residentIdNumber'])
  })

  it('imports all or nothing: a refused row names its row and field and nothing is written', async () => {
    const before = await countOf()
    const good = [
      { residentIdNumber: residents[0]!.idNumber, kind: 'drug', riskLevel: 'high', since: '2026-03-01' },
      { residentIdNumber: residents[1]!.idNumber, kind: 'released', riskLevel: 'low', since: '2025-03-01', guardianName: '令狐监护' },
    ]
    const cases: [Record<string, unknown>[], number, string, string][] = [
      [[...good, { residentIdNumber: `990102${'19700101'}777${checkCharacter('99010219700101777')}`, kind: 'drug', riskLevel: 'low', since: '2026-01-01' }], 4, 'residentIdNumber', 'special_groups.resident_not_found'],
      [[...good, { ...good[0]!, riskLevel: 'low' }], 4, 'residentIdNumber', 'special_groups.import_duplicate'],
      [[...good, { residentId: residents[2]!.id, kind: 'drug', riskLevel: 'low', since: '2026-01-01', responsibleMemberId: 8_999_999 }], 4, 'responsibleMemberId', 'special_groups.member_not_found'],
    ]
    for (const [rows, row, field, code] of cases) {
      const err = await importAs(street1, rows).then(() => null, (e: unknown) => e)
      expect(err, code).to.be.instanceOf(RegisterRowError)
      expect(err).to.include({ row, field, code })
      expect(await countOf(), code).to.equal(before)
    }
    // a resident outside the importer's jurisdiction
    const outside = await importAs(street2, good).then(() => null, (e: unknown) => e)
    expect(outside).to.include({ row: 2, field: 'residentIdNumber', code: 'special_groups.outside' })
    expect(await countOf()).to.equal(before)
    // the positive control: the same rows by street1, then again with a change (the natural key: resident and kind)
    expect(await importAs(street1, good)).to.deep.equal({ inserted: 2, updated: 0 })
    expect(await importAs(street1, [{ ...good[0]!, riskLevel: 'low' }, { residentId: residents[2]!.id, kind: 'minor_at_risk', riskLevel: 'medium', since: '2026-01-01' }]))
      .to.deep.equal({ inserted: 1, updated: 1 })
    const rows = await knex('special_group as g').join('special_visit_plan as p', 'p.special_group_id', 'g.id')
      .whereIn('g.resident_id', residents.map((r) => r.id)).orderBy('g.id').select('g.resident_id', 'g.kind', 'g.risk_level', 'g.version', 'g.community_code', 'p.interval_days')
    expect(rows.map((r) => [Number(r.resident_id), r.kind, r.risk_level, r.version, r.community_code, r.interval_days])).to.deep.equal([
      [residents[0]!.id, 'drug', 'low', 2, OWN_COMMUNITY, DEFAULT_INTERVAL_DAYS.drug.low],
      [residents[1]!.id, 'released', 'low', 1, OWN_COMMUNITY, DEFAULT_INTERVAL_DAYS.released.low],
      [residents[2]!.id, 'minor_at_risk', 'medium', 1, OWN_COMMUNITY, DEFAULT_INTERVAL_DAYS.minor_at_risk.medium],
    ])
  })

  it('exports the caller\'s rows masked by the one rule, each row written to the access audit', async () => {
    const scope = newScope('export-test')
    const out: Record<string, unknown>[] = []
    await runInScope(scope, async () => {
      for await (const batch of def.exportRows(knex, street1, { community: OWN_COMMUNITY })) out.push(...batch)
    })
    const expected = await knex('special_group').where({ community_code: OWN_COMMUNITY }).pluck('id')
    expect(out.map((r) => r.id).sort()).to.deep.equal(expected.map(Number).sort())
    expect(out.length).to.be.at.least(3)
    const mine = out.find((r) => r.residentName !== null && String(r.residentName).startsWith('上'))!
    expect(mine.residentName).to.equal('上****')
    expect(String(mine.residentIdNumber)).to.match(/^\d{4}\*{10}[\dX]{4}$/)
    expect([...scope.reads.keys()].sort()).to.deep.equal(expected.map((id) => `special-groups:${id}`).sort())
    for (const r of scope.reads.values()) expect(r.fields).to.deep.equal(['kind'])
    // street2 exports nothing of street 1
    const none: unknown[] = []
    for await (const batch of def.exportRows(knex, street2, { community: OWN_COMMUNITY })) none.push(...batch)
    expect(none).to.deep.equal([])
  })

  it('imports and exports through the generic endpoints (CSV), the refused row and field named', async () => {
    const client = await testClient()
    const auth = await loginAs(client, 'street1')
    const r = await plantResident(knex, OWN_GRID, { name: '慕容表格', k: 20 })
    const csv = (rows: string[]) => ['residentIdNumber,kind,riskLevel,since,guardianPhone', ...rows].join('\r\n')
    const post = (body: string) => client.request({ method: 'POST', url: '/api/v1/registers/special-groups/import', payload: Buffer.from(body), headers: { ...auth, 'content-type': 'text/csv; charset=utf-8' } })
    const bad = await post(csv([`${r.idNumber},mental_risk,high,2026-02-01,13812345678`, `${r.idNumber.slice(0, 17)}${r.idNumber[17] === '1' ? '2' : '1'},drug,low,2026-02-01,`]))
    expect(bad.statusCode, bad.body).to.be.within(400, 422)
    expect(bad.body).to.include('residentIdNumber').and.to.match(/"row":3|第 ?3 ?行|row 3/)
    expect(await knex('special_group').where({ resident_id: r.id })).to.have.length(0)
    const formula = await post(csv([`${r.idNumber},mental_risk,high,2026-02-01,=cmd|' /C calc'!A0`]))
    expect(formula.statusCode, formula.body).to.be.within(400, 422)
    expect(await knex('special_group').where({ resident_id: r.id })).to.have.length(0)
    const ok = await post(csv([`${r.idNumber},mental_risk,high,2026-02-01,13812345678`]))
    expect(ok.statusCode, ok.body).to.equal(200)
    expect(await knex('special_group').where({ resident_id: r.id }).pluck('kind')).to.deep.equal(['mental_risk'])
    const id = `sg-export-${Date.now()}`
    const out = await client.request({ method: 'GET', url: `/api/v1/registers/special-groups/export?format=csv&community=${OWN_COMMUNITY}`, headers: { ...auth, 'x-request-id': id } })
    expect(out.statusCode, out.body).to.equal(200)
    expect(out.body).to.include('慕***').and.not.to.include('慕容表格').and.not.to.include(r.idNumber).and.not.to.include('13812345678')
    const audited = await knex('access_audit').where({ request_id: id, resource_type: 'special-groups' }).count({ n: '*' })
    const rows = await knex('special_group').where({ community_code: OWN_COMMUNITY }).count({ n: '*' })
    expect(Number(audited[0]!.n)).to.equal(Number(rows[0]!.n))
    // roles without the right: refused
    expect((await client.get(`/api/v1/registers/special-groups/export?format=csv&community=${OWN_COMMUNITY}`, await loginAs(client, 'analyst'))).statusCode).to.equal(403)
  })

  it('gives a grid\'s view with its stale rows first, counted as in the database', async () => {
    const staleBefore = new Date(Date.now() - 180 * DAY)
    const view = await def.inGrids!(knex, street1, [OWN_GRID], { staleBefore, limit: 2 })
    const { rows: [ref] } = await knex.raw(`SELECT count(*) AS total, count(*) FILTER (WHERE verified_at IS NULL OR verified_at < ?) AS stale
      FROM special_group WHERE grid_code = ? AND (until IS NULL OR until >= CAST(now() AT TIME ZONE 'Asia/Shanghai' AS date))`, [staleBefore, OWN_GRID])
    expect(view.total).to.equal(Number(ref.total))
    expect(view.stale).to.equal(Number(ref.stale))
    expect(view.items.length).to.equal(Math.min(2, view.total))
    expect(view.total).to.be.at.least(3)
  })

  it('generates demo groups: a small share of residents, months of visits, some overdue', async () => {
    // a city of its own (990300) with 2,000 residents of every age
    const rect = JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[117.0, 37.0], [117.1, 37.0], [117.1, 37.1], [117.0, 37.1], [117.0, 37.0]]]] })
    const community = '990102001193'
    // the shared test database must not keep a community 100 km away (the map pages fit the city's extent)
    const cleanup = async () => {
      const ids = knex('special_group').where('city_code', '990300').select('id')
      await knex('special_visit').whereIn('special_group_id', ids).delete()
      await knex('special_visit_plan').whereIn('special_group_id', ids).delete()
      await knex('special_group').where('city_code', '990300').delete()
      await knex('resident').where('city_code', '990300').delete()
      await knex('admin_division').where('code', community).delete()
    }
    try {
    await knex('admin_division').insert({ code: community, level: 'community', name: '演示生成社区', parent_code: '990102001000', city_code: '990300', geom: knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [rect]) })
    const keyring = dataKeyring()
    const people = Array.from({ length: 2000 }, (_, i) => {
      const birth = `${1945 + (i % 70)}0${1 + (i % 9)}1${i % 10}`
      const first17 = `990300${birth}${String(i % 1000).padStart(3, '0')}`
      const s = sealIdNumber(keyring, first17 + checkCharacter(first17), 'resident.id_number')
      return { city_code: '990300', community_code: community, name: `演示${i}`, gender: i % 2 ? 'M' : 'F', birth_date: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
        id_number_sealed: s.sealed, id_number_index: s.blindIndex, id_number_masked: s.masked, kind: 'registered', geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [117.05, 37.05]) }
    })
    for (let i = 0; i < people.length; i += 500) await knex('resident').insert(people.slice(i, i + 500))
    const counts = await loadDemoSpecial(knex, { scale: 'small', seed: 7, cityCode: '990300' })
    const groups = await knex('special_group as g').join('resident as r', 'r.id', 'g.resident_id').join('special_visit_plan as p', 'p.special_group_id', 'g.id')
      .where('g.city_code', '990300').select('g.id', 'g.kind', 'g.since', 'g.until', 'g.last_visit_at', 'p.interval_days', 'r.birth_date')
    expect(counts.special_group).to.equal(groups.length)
    expect(groups.length / 2000).to.be.within(0.005, 0.01)
    expect(new Set(groups.map((g) => g.kind)).size).to.equal(5)
    const visits = await knex('special_visit').whereIn('special_group_id', groups.map((g) => g.id)).select('special_group_id', 'visited_at')
    expect(counts.special_visit).to.equal(visits.length)
    expect(visits.length).to.be.greaterThan(groups.length * 2)
    const now = Date.now()
    for (const v of visits) expect(v.visited_at.getTime()).to.be.within(now - 130 * DAY, now)
    // overdue by hand: active, and the last visit (or the start) plus the interval lies before today
    const today = Math.floor((now + 8 * 3600_000) / DAY)
    const overdue = groups.filter((g) => (g.until === null || g.until.getTime() >= now) &&
      Math.floor(((g.last_visit_at ?? g.since).getTime() + 8 * 3600_000) / DAY) + g.interval_days < today - 1)
    expect(overdue.length, 'some overdue').to.be.greaterThan(0)
    expect(overdue.length / groups.length, 'most are not').to.be.below(0.5)
    for (const g of groups.filter((x) => x.kind === 'minor_at_risk')) expect((now - g.birth_date.getTime()) / (365.25 * DAY)).to.be.within(12, 18)
    expect(await loadDemoSpecial(knex, { scale: 'small', seed: 7, cityCode: '990300' })).to.deep.equal({ special_group: 0, special_visit_plan: 0, special_visit: 0 })
    } finally {
      await cleanup()
    }
  })
})
