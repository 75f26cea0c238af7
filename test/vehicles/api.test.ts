// /api/v1/vehicles (实有车辆): plates per GA 36 (ordinary, new energy small and large), owners that
// are residents (community and grid follow the resident, also when the resident moves) or a name
// and phone with a sealed ID number, masking through the one rule, unmask audited, the import of
// the register (all or nothing, row and field named), jurisdiction, roles and bad input.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'
import { demoLoaded, signIn } from '../lines/support.ts'
import { parsePlate } from '../../server/vehicles/plate.ts'
import { checkCharacter, sealIdNumber } from '../../server/privacy/idNumber.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'
import { registerNamed, RegisterRowError } from '../../server/registers/registry.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import type { Principal } from '../../server/auth/users.ts'

const idOf = (first17: string) => first17 + checkCharacter(first17)

describe('vehicles (实有车辆)', function () {
  this.timeout(120_000)
  let client: Client
  let knex: Knex
  let auth: Record<string, Record<string, string>>
  const serial = String(Date.now() % 90_000 + 10_000)
  const plate = (n: number) => `鲁B${String((Number(serial) + n) % 100_000).padStart(5, '0')}`
  const create = (body: Record<string, unknown>, who = 'command') => client.post('/api/v1/vehicles', body, auth[who])
  const patch = (id: number, body: unknown, who = 'command') => client.request({ method: 'PATCH', url: `/api/v1/vehicles/${id}`, headers: { ...auth[who], 'content-type': 'application/json' }, payload: JSON.stringify(body) })
  let residentId = 0
  const ownerId = idOf(`37010219850615${serial.slice(-3)}`)

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    await demoLoaded(knex)
    auth = await signIn(client)
    const grid = await knex('grid').where({ community_code: '990102001001', kind: 'base' }).whereNull('valid_to').orderBy('code').first('code')
    const s = sealIdNumber(dataKeyring(), idOf(`37010219900101${serial.slice(-3)}`), 'resident.id_number')
    const [r] = await knex('resident').insert({ city_code: '990100', community_code: '990102001001', grid_code: grid.code, name: '诸葛明明', gender: 'M',
      birth_date: '1990-01-01', id_number_sealed: s.sealed, id_number_index: s.blindIndex, id_number_masked: s.masked, phone: '13800001111', kind: 'registered' }).returning('id')
    residentId = Number(r.id)
  })

  describe('plates (GA 36)', () => {
    it('accepts ordinary, special-suffix and new-energy plates, normalised, and says which', () => {
      expect(parsePlate('鲁a·123 45')).to.deep.equal({ plate: '鲁A12345', type: 'ordinary' })
      expect(parsePlate('京AB12C3').type).to.equal('ordinary')
      expect(parsePlate('鲁A1234挂').type).to.equal('trailer')
      expect(parsePlate('粤Z1234港').type).to.equal('hk_macau')
      expect(parsePlate('鲁AD12345').type).to.equal('new_energy_small')
      expect(parsePlate('鲁AFA1234').type).to.equal('new_energy_small')
      expect(parsePlate('鲁A12345D').type).to.equal('new_energy_large')
    })
    it('refuses what GA 36 does not allow', () => {
      for (const bad of ['鲁A1234', '鲁A123456', 'AB12345', '鲁I12345', '鲁A1234O', '鲁AI2345', '鲁AX12345', '鲁A1234DF', '鲁AD1234A', '使12345', 'WJ鲁12345', '鲁A12345DD']) {
        expect(() => parsePlate(bad), bad).to.throw()
      }
    })
  })

  it('registers a resident\'s vehicle in the resident\'s community and grid, and follows the resident who moves', async () => {
    const res = await create({ plate: plate(1), kind: 'car', use: 'private', residentId, brand: '比亚迪秦' })
    expect(res.statusCode, res.body).to.equal(201)
    const v = res.json()
    expect(v).to.deep.include({ plate: plate(1), plateType: 'ordinary', residentId, ownerName: '诸葛明明', ownerPhone: '13800001111', communityCode: '990102001001', version: 1 })
    expect(v.ownerIdNumber).to.equal(idOf(`37010219900101${serial.slice(-3)}`))
    const target = await knex('grid').where({ community_code: '990102001002', kind: 'base' }).whereNull('valid_to').orderBy('code').first('code')
    await knex('resident').where({ id: residentId }).update({ community_code: '990102001002', grid_code: target.code })
    const after = (await client.get(`/api/v1/vehicles/${v.id}`, auth.command)).json()
    expect(after).to.deep.include({ communityCode: '990102001002', gridCode: target.code })
    await knex('resident').where({ id: residentId }).update({ community_code: '990102001001', grid_code: v.gridCode })
    expectRefusal(await create({ plate: plate(2), kind: 'car', use: 'private', residentId, ownerName: '张三' }), 'ownerName')
    expectRefusal(await create({ plate: plate(2), kind: 'car', use: 'private', residentId: 99_999_999 }), 'residentId')
  })

  it('seals a named owner\'s ID number, masks the owner for staff who do not hold it, finds it by the number, and unmasks with a reason', async () => {
    const res = await create({ plate: `鲁AD${serial}`, kind: 'car', use: 'ride_hailing', ownerName: '欧阳娜娜', ownerPhone: '139 1234 5678', ownerIdNumber: ownerId, communityCode: '990102001001' })
    expect(res.statusCode, res.body).to.equal(201)
    const id = res.json().id as number
    expect(res.json()).to.deep.include({ plateType: 'new_energy_small', ownerName: '欧阳娜娜', ownerPhone: '13912345678', ownerIdNumber: ownerId })
    const row = await knex('vehicle').where({ id }).first()
    expect(JSON.stringify(row)).to.not.include(ownerId)
    expect(row.owner_id_number_sealed).to.match(/^enc1\./)
    expect(row.owner_id_number_masked).to.equal(`${ownerId.slice(0, 4)}${'*'.repeat(10)}${ownerId.slice(-4)}`)
    const masked = (await client.get(`/api/v1/vehicles/${id}`, auth.street1)).json()
    expect(masked).to.deep.include({ ownerName: '欧***', ownerPhone: '139****5678', ownerIdNumber: `${ownerId.slice(0, 4)}**********${ownerId.slice(-4)}` })
    const found = (await client.get(`/api/v1/vehicles?q=${ownerId}`, auth.street1)).json()
    expect(found.items.map((v: { id: number }) => v.id)).to.deep.equal([id])
    expect((await client.get(`/api/v1/vehicles?q=${idOf('11010519491231002')}`, auth.street1)).json().items).to.deep.equal([])
    const byPlate = (await client.get(`/api/v1/vehicles?q=${encodeURIComponent(`d${serial}`)}`, auth.street1)).json()
    expect(byPlate.items.map((v: { id: number }) => v.id)).to.include(id)
    expect((await client.post(`/api/v1/vehicles/${id}/unmask`, { reason: '核查车主身份' }, auth.analyst)).statusCode).to.equal(403)
    const un = await client.post(`/api/v1/vehicles/${id}/unmask`, { reason: '核查车主身份' }, auth.street1)
    expect(un.statusCode, un.body).to.equal(200)
    expect(un.json()).to.deep.include({ ownerName: '欧阳娜娜', ownerIdNumber: ownerId })
    expect(await knex('access_audit').where({ action: 'unmask', resource_type: 'vehicles', resource_id: String(id), username: 'street1' }).first()).to.not.equal(undefined)
    // the inspector serving the vehicle's grid holds it
    const grid = await knex('grid').where({ community_code: '990102001001', kind: 'base' }).whereNull('valid_to').orderBy('code').first('code')
    const moved = await patch(id, { version: 1, gridCode: grid.code, verified: true }, 'community')
    expect(moved.statusCode, moved.body).to.equal(200)
    expect(moved.json()).to.deep.include({ version: 2, gridCode: grid.code, stale: false, ownerIdNumber: `${ownerId.slice(0, 4)}**********${ownerId.slice(-4)}` })
    expect((await client.get(`/api/v1/vehicles/${id}`, auth.inspector)).json().ownerName).to.equal('欧阳娜娜')
    const stale = await patch(id, { version: 1, colour: '白色' })
    expect(stale.statusCode).to.equal(409)
    expect(stale.json().code).to.equal('registers.version_conflict')
  })

  it('answers 409 to a plate registered already, 403 to a place outside the jurisdiction, 404 outside, 403 to other roles', async () => {
    const body = { plate: plate(3), kind: 'truck', use: 'freight', ownerName: '王强', communityCode: '990102001001' }
    expect((await create(body)).statusCode).to.equal(201)
    const again = await create({ ...body, plate: plate(3).replace('鲁B', '鲁b ') })
    expect(again.statusCode, again.body).to.equal(409)
    const outside = await create({ ...body, plate: plate(4), communityCode: '990102002001' }, 'street1')
    expect(outside.statusCode, outside.body).to.equal(403)
    expect(await knex('vehicle').where({ plate: plate(4) }).first()).to.equal(undefined)
    const inStreet2 = await knex('vehicle').where('community_code', 'like', '990102002%').first('id')
    expect((await client.get(`/api/v1/vehicles/${inStreet2.id}`, auth.street1)).statusCode).to.equal(404)
    expect((await client.get('/api/v1/vehicles', auth.system)).statusCode).to.equal(403)
    expect((await create({ ...body, plate: plate(5) }, 'department')).statusCode).to.equal(403)
    expect((await client.get('/api/v1/vehicles?limit=1', auth.analyst)).statusCode).to.equal(200)
  })

  it('lists by community and grid with a cursor, counting what a SQL count finds', async () => {
    const seen: number[] = []
    let url: string | null = '/api/v1/vehicles?community=990102001000&limit=3'
    while (url) {
      const page: { items: { id: number }[]; next: string | null } = (await client.get(url, auth.command)).json()
      seen.push(...page.items.map((v: { id: number }) => v.id))
      url = page.next
    }
    const [{ n }] = await knex('vehicle').where('community_code', 'like', '990102001%').count<{ n: number }[]>({ n: '*' }) as [{ n: number }]
    expect(Number(n)).to.be.greaterThan(3)
    expect(seen.length).to.equal(Number(n))
    expect(new Set(seen).size).to.equal(seen.length)
  })

  it('imports all or nothing: a repeated plate or a bad row names its spreadsheet row and field', async () => {
    const def = registerNamed('vehicles')!
    const p: Principal = { kind: 'user', userId: null, username: 't', displayName: 't', role: 'street_staff', departmentId: null, cityCode: '990100', jurisdiction: Jurisdiction.of(['990102001000']) }
    const rows = [
      { plate: plate(10), kind: 'car', use: 'private', ownerName: '赵六', communityCode: '990102001001' },
      { plate: plate(11), kind: 'car', use: 'private', ownerName: '钱七', communityCode: '990102001002' },
      { plate: plate(10), kind: 'car', use: 'private', ownerName: '孙八', communityCode: '990102001001' },
    ].map((r) => def.rowSchema.parse(r))
    const attempt = (rs: Record<string, unknown>[]) => knex.transaction((trx) => def.importRows(trx, rs, { principal: p, cityCode: '990100', rowNumbers: rs.map((_, i) => i + 3) }))
    const err = await attempt(rows).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(RegisterRowError)
    expect(err).to.deep.include({ row: 5, field: 'plate', code: 'vehicles.plate_repeated' })
    expect(await knex('vehicle').whereIn('plate', [plate(10), plate(11)]).first()).to.equal(undefined)
    const outside = await attempt([rows[0]!, { ...rows[1]!, communityCode: '990102002001' }]).catch((e: unknown) => e)
    expect(outside).to.deep.include({ row: 4, field: 'communityCode' })
    expect(await attempt(rows.slice(0, 2))).to.deep.equal({ inserted: 2, updated: 0 })
    expect(await attempt([{ ...rows[0]!, colour: '红色' }])).to.deep.equal({ inserted: 0, updated: 1 })
    expect((await knex('vehicle').where({ plate: plate(10) }).first()).version).to.equal(2)
    expect(() => def.rowSchema.parse({ plate: '鲁A1', kind: 'car', use: 'private', ownerName: 'x', communityCode: '990102001001' })).to.throw(/plate|7 characters/)
  })

  it('refuses broken, hostile and oversized input naming the field', async () => {
    const base = { plate: plate(20), kind: 'car', use: 'private', ownerName: '李四', communityCode: '990102001001' }
    expectRefusal(await create({ ...base, plate: '鲁A1234O' }), 'plate')
    expectRefusal(await create({ ...base, plate: 'x'.repeat(10_000) }), 'plate')
    expectRefusal(await create({ ...base, ownerIdNumber: `${ownerId.slice(0, 17)}${ownerId[17] === '0' ? '1' : '0'}` }), 'ownerIdNumber')
    expectRefusal(await create({ ...base, ownerIdNumber: '37010219850615123' }), 'ownerIdNumber')
    expectRefusal(await create({ ...base, ownerPhone: '12345678901' }), 'ownerPhone')
    expectRefusal(await create({ ...base, ownerName: undefined }), 'ownerName')
    expectRefusal(await create({ ...base, communityCode: undefined }), 'communityCode')
    expectRefusal(await create({ ...base, communityCode: '990102009999' }), 'communityCode')
    expectRefusal(await create({ ...base, gridCode: '990102002001001' }), 'gridCode')
    expectRefusal(await create({ ...base, kind: 'spaceship' }), 'kind')
    expectRefusal(await create({ ...base, ownerName: '名'.repeat(101) }), 'ownerName')
    expectRefusal(await create({ ...base, note: "'; DROP TABLE vehicle; --".repeat(30) }), 'note')
    expectRefusal(await create({ ...base, isAdmin: true }), '(root)')
    expectRefusal(await client.get('/api/v1/vehicles?limit=0', auth.command), 'limit')
    expectRefusal(await client.get('/api/v1/vehicles?grid=abc', auth.command), 'grid')
    expectRefusal(await client.get('/api/v1/vehicles?cursor=%%%', auth.command), 'cursor')
    expectRefusal(await client.get('/api/v1/vehicles/0', auth.command), 'id')
    expect(await knex('vehicle').where({ plate: plate(20) }).first()).to.equal(undefined)
  })
})
