// /api/v1/utility-usage: a monthly CSV import per household (all or nothing, a re-import never
// doubled), the flagging rule checked against its own independent computation over the imported
// rows, each flag notified once to the inspector of the grid, and the register roles only.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { plantResident } from '../special-groups/support.ts'

const GRID = '990102001001001' // the demo inspector's grid
const tag = `UT${Date.now().toString(36).slice(-6).toUpperCase()}`

describe('utility usage: import, flags and notices', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const households: Record<string, number> = {}
  const residents: number[] = []
  let inspectorId: number

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    for (const u of ['command', 'street2', 'inspector', 'analyst', 'department']) auth[u] = await loginAs(client, u)
    inspectorId = Number((await knex('app_user').where({ username: 'inspector' }).first('id')).id)
    // lone: one resident of 76; pair: the same age but not alone; young: one resident of 36
    const plan = { lone: ['19500310'], pair: ['19500310', '19520101'], young: ['19900101'] } as const
    for (const [name, births] of Object.entries(plan)) {
      const [h] = await knex('household').insert({ city_code: '990100', community_code: '990102001001', grid_code: GRID, household_number: `${tag}-${name}` }).returning('id')
      households[name] = Number(h.id)
      for (const birth of births) {
        const r = await plantResident(knex, GRID, { birth })
        residents.push(r.id)
        await knex('resident').where({ id: r.id }).update({ household_id: h.id })
      }
    }
  })
  after(async () => {
    const ids = Object.values(households)
    if (!knex || ids.length === 0) return
    await knex('inbox_item').whereRaw("data->>'householdId' = ANY(?)", [ids.map(String)]).delete()
    await knex('utility_flag').whereIn('household_id', ids).delete()
    await knex('utility_usage').whereIn('household_id', ids).delete()
    await knex('resident').whereIn('id', residents).delete()
    await knex('household').whereIn('id', ids).delete()
  })

  const upload = (csv: string, who = 'command') => client.request({
    method: 'POST', url: '/api/v1/utility-usage/imports', headers: { ...auth[who]!, 'content-type': 'text/csv; charset=utf-8' }, payload: csv,
  })
  // every household × utility: three ordinary months then the judged one
  const months = ['2026-06', '2026-07', '2026-08', '2026-09']
  const series: Record<string, Record<string, number[]>> = {
    lone: { 水: [4, 5, 6, 1.2], 电: [80, 90, 100, 40] }, // water 1.2 ≤ 0.3 × 5 = 1.5 (drop); electricity 40 > 27 (no)
    pair: { 水: [4, 5, 6, 1] }, // the same drop, but not alone
    young: { 气: [10, 12, 14, 36], 水: [3, 3, 3, 8.9] }, // gas 36 ≥ 3 × 12 (spike); water 8.9 < 9 (no)
  }
  const csv = () => ['户号,类型,月份,用量', ...Object.entries(series).flatMap(([h, byU]) => Object.entries(byU)
    .flatMap(([u, v]) => v.map((x, i) => `${tag}-${h},${u},${months[i]},${x}`)))].join('\n')

  it('imports, and flags exactly what an independent computation of the rule flags, once each to the inspector', async () => {
    const res = await upload(csv())
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().rows).to.equal(20)
    // independent: mean of the three months before; lone elderly only for "lone"
    const expected: string[] = []
    for (const [h, byU] of Object.entries(series)) {
      for (const [u, v] of Object.entries(byU)) {
        const mean = (v[0]! + v[1]! + v[2]!) / 3
        if (v[3]! >= 3 * mean) expected.push(`${h}/${u}/spike`)
        else if (h === 'lone' && v[3]! <= 0.3 * mean) expected.push(`${h}/${u}/drop`)
      }
    }
    expect(expected.sort()).to.deep.equal(['lone/水/drop', 'young/气/spike'])
    const names = { water: '水', electricity: '电', gas: '气' } as Record<string, string>
    const got = res.json().flagged.map((f: { householdNumber: string; utility: string; kind: string }) => `${f.householdNumber.slice(tag.length + 1)}/${names[f.utility]}/${f.kind}`)
    expect(got.sort()).to.deep.equal(expected.sort())
    const inbox = await knex('inbox_item').where({ user_id: inspectorId }).whereRaw("data->>'householdId' = ANY(?)", [Object.values(households).map(String)])
    expect(inbox).to.have.length(2)
    expect(inbox.map((i) => i.title).join()).to.include('独居老人户用水骤降').and.include('用气异常激增')
  })

  it('re-importing the same months doubles neither the usage nor the notices', async () => {
    const res = await upload(csv())
    expect(res.statusCode, res.body).to.equal(200)
    expect(Number((await knex('utility_usage').whereIn('household_id', Object.values(households)).count('* as n').first())!.n)).to.equal(20)
    expect((await knex('utility_flag').whereIn('household_id', Object.values(households))).length).to.equal(2)
    const inbox = await knex('inbox_item').where({ user_id: inspectorId }).whereRaw("data->>'householdId' = ANY(?)", [Object.values(households).map(String)])
    expect(inbox).to.have.length(2)
  })

  it('shows flags to register roles inside their jurisdiction only', async () => {
    const mine = (await client.get('/api/v1/utility-usage/flags?month=2026-09', auth.inspector)).json().items
      .filter((f: { householdNumber: string }) => f.householdNumber.startsWith(tag))
    expect(mine.map((f: { kind: string; baseline: number }) => [f.kind, f.baseline]).sort()).to.deep.equal([['drop', 5], ['spike', 12]])
    const other = (await client.get('/api/v1/utility-usage/flags?month=2026-09', auth.street2)).json().items
    expect(other.filter((f: { householdNumber: string }) => f.householdNumber.startsWith(tag))).to.deep.equal([])
    for (const who of ['analyst', 'department']) expect((await client.get('/api/v1/utility-usage/flags', auth[who])).statusCode).to.equal(403)
    expect((await upload(csv(), 'department')).statusCode).to.equal(403)
  })

  it('refuses a bad file whole, naming the row and field', async () => {
    const before = await knex('utility_usage').whereIn('household_id', Object.values(households)).count('* as n').first()
    const bad = await upload(`户号,类型,月份,用量\n${tag}-lone,水,2026-10,3\n${tag}-lone,暖,2026-10,3\nNOPE-1,水,2026-10,x`)
    expect(bad.statusCode).to.equal(400)
    const fields = bad.json().errors.map((e: { row: number; field: string }) => `${e.row}:${e.field}`)
    expect(fields).to.include.members(['3:utility', '4:amount', '4:household'])
    expect(await knex('utility_usage').whereIn('household_id', Object.values(households)).count('* as n').first()).to.deep.equal(before)
    const header = await upload('户号,月份\nx,2026-01')
    expect(header.statusCode).to.equal(400)
    expect(header.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['utility', 'amount'])
    // a street's staff cannot write a household outside its streets
    expect((await upload(`户号,类型,月份,用量\n${tag}-lone,水,2026-10,3`, 'street2')).statusCode).to.equal(400)
  })
})
