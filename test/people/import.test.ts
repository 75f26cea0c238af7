// The people registers as the engine drives them: set-based import (rows named in errors, all or
// nothing, upsert by the ID's blind index keeping history), the grid view's figures against SQL
// counts, and the ID-number search source.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { testClient, loginAs } from '../support/http.ts'
import { findUserByName, toPrincipal } from '../../server/auth/users.ts'
import type { Principal } from '../../server/auth/users.ts'
import { registerNamed, RegisterRowError } from '../../server/registers/registry.ts'
import { checkCharacter } from '../../server/privacy/idNumber.ts'
import { search } from '../../server/search/service.ts'
import { runRegisterImport } from '../../server/registers/importJob.ts'
import type { AppError } from '../../server/http/errors.ts'

const COMMUNITY = '990102001001'
let serial = 0
const freshId = () => {
  serial++
  const first17 = `110105${1960 + (serial % 40)}0${1 + (serial % 9)}1${serial % 10}${String(500 + serial).slice(-3)}`
  return first17 + checkCharacter(first17)
}

class Rollback extends Error {}

describe('people: import, grid view, search', function () {
  let knex: Knex
  let street1: Principal
  let street2: Principal
  let houses: { id: number; full_address: string }[]

  before(async () => {
    const client = await testClient() // builds the routes: defines the registers
    await loginAs(client, 'street1')
    knex = await getTestDb()
    street1 = toPrincipal((await findUserByName(knex, 'street1'))!, 'user')
    street2 = toPrincipal((await findUserByName(knex, 'street2'))!, 'user')
    houses = (await knex('house').where({ community_code: COMMUNITY }).whereNot('status', 'demolished').orderBy('id').limit(3).select('id', 'full_address'))
      .map((h: { id: string; full_address: string }) => ({ id: Number(h.id), full_address: h.full_address }))
  })

  /** Runs an import in a transaction rolled back afterwards unless `keep`. */
  async function importIn<T>(name: string, rows: Record<string, unknown>[], p: Principal, then: (trx: Knex.Transaction, r: { inserted: number; updated: number }) => Promise<T>, keep = false): Promise<T> {
    const def = registerNamed(name)!
    let out: T | undefined
    try {
      await knex.transaction(async (trx) => {
        const parsed = rows.map((r) => def.rowSchema.parse(r))
        const res = await def.importRows(trx, parsed, { principal: p, cityCode: '990100', rowNumbers: rows.map((_, i) => i + 2) })
        out = await then(trx, res)
        if (!keep) throw new Rollback()
      })
    } catch (err) {
      if (!(err instanceof Rollback)) throw err
    }
    return out!
  }

  async function refused(name: string, rows: Record<string, unknown>[], p = street1): Promise<RegisterRowError> {
    try {
      await importIn(name, rows, p, async () => undefined)
    } catch (err) {
      expect(err).to.be.instanceOf(RegisterRowError)
      return err as RegisterRowError
    }
    throw new Error('the import was not refused')
  }

  it('imports 5,200 residents across two batches: counts, derived fields and residence rows checked in SQL', async () => {
    const cn = (i: number) => String(i).replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]!)
    const rows = Array.from({ length: 5200 }, (_, i) => ({ name: `导入${cn(i)}`, idNumber: freshId(), kind: i % 3 ? 'floating' : 'registered', houseId: houses[i % 3]!.id, phone: i % 2 ? '13800000000' : null }))
    const counted = await importIn('residents', rows, street1, async (trx, res) => {
      const { rows: c } = await trx.raw(`SELECT count(*)::int AS n,
        (SELECT count(*)::int FROM resident_residence rr JOIN resident r2 ON r2.id = rr.resident_id WHERE r2.name LIKE '导入%' AND rr.valid_to IS NULL AND rr.house_id = r2.house_id) AS links
        FROM resident WHERE name LIKE '导入%'`)
      // a hand check of one row: the first number's birth date and gender digit
      const first = rows[0]!.idNumber
      const r0 = await trx('resident').where({ name: '导入零' }).first(trx.raw('birth_date::text AS b'), 'gender')
      expect(r0).to.deep.equal({ b: `${first.slice(6, 10)}-${first.slice(10, 12)}-${first.slice(12, 14)}`, gender: Number(first[16]) % 2 ? 'M' : 'F' })
      return { res, c: c[0] }
    })
    expect(counted.res).to.deep.equal({ inserted: 5200, updated: 0 })
    expect(counted.c.n).to.equal(5200)
    expect(counted.c.links).to.equal(5200)
  })

  it('re-importing the same person updates them (blind index) and moves them, keeping the history', async () => {
    const id = freshId()
    const history = await importIn('residents', [{ name: '钱多', idNumber: id, kind: 'registered', houseId: houses[0]!.id }], street1, async (trx) => {
      const def = registerNamed('residents')!
      const again = await def.importRows(trx, [def.rowSchema.parse({ name: '钱多多', idNumber: id, kind: 'registered', houseAddress: houses[1]!.full_address })],
        { principal: street1, cityCode: '990100', rowNumbers: [2] })
      expect(again).to.deep.equal({ inserted: 0, updated: 1 })
      const r = await trx('resident').where({ name: '钱多多' }).first('id', 'house_id')
      const { rows } = await trx.raw('SELECT house_id, role, valid_to IS NULL AS current FROM resident_residence WHERE resident_id = ? ORDER BY id', [r.id])
      return rows.map((x: { house_id: string; role: string; current: boolean }) => [Number(x.house_id), x.role, x.current])
    })
    expect(history).to.deep.equal([[houses[0]!.id, 'registered', false], [houses[1]!.id, 'registered', true]])
  })

  it('refuses with the row and field: check digit, phone, missing house, registered at two houses in one file, outside the jurisdiction', async () => {
    const good = () => ({ name: '甲', idNumber: freshId(), kind: 'registered', houseId: houses[0]!.id })
    const bad = freshId()
    const wrong = bad.slice(0, 17) + (bad[17] === '3' ? '4' : '3')
    let e = await refused('residents', [good(), good(), { ...good(), idNumber: wrong }])
    expect([e.row, e.field, e.code]).to.deep.equal([4, 'idNumber', 'residents.id_number'])
    e = await refused('residents', [good(), { ...good(), houseId: 99999999 }])
    expect([e.row, e.field, e.code]).to.deep.equal([3, 'houseId', 'residents.house_not_found'])
    const twice = freshId()
    e = await refused('residents', [{ ...good(), idNumber: twice }, good(), { ...good(), idNumber: twice, houseId: houses[1]!.id }])
    expect([e.row, e.field, e.code]).to.deep.equal([4, 'houseId', 'residents.registered_twice'])
    e = await refused('residents', [good()], street2)
    expect([e.row, e.field, e.code]).to.deep.equal([2, 'houseId', 'residents.outside_jurisdiction'])
    // the phone is refused by the row schema, naming the field
    const parsed = registerNamed('residents')!.rowSchema.safeParse({ ...good(), phone: '1234' })
    expect(parsed.success).to.equal(false)
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).to.deep.equal(['phone'])
    // nothing half-written: none of the refused files left a row
    const { rows } = await knex.raw("SELECT count(*)::int AS n FROM resident WHERE name = '甲'")
    expect(rows[0].n).to.equal(0)
  })

  it('a large file is written while it is still validated (three batches): all or nothing whichever batch holds the problem', async () => {
    const def = registerNamed('residents')!
    const cn = (i: number) => String(i).replace(/\d/g, (d) => '零一二三四五六七八九'[Number(d)]!)
    const N = 11_000
    // numbers nobody else in this file has: one birth date per row
    const bulkId = (i: number) => {
      const first17 = `110106${new Date(Date.UTC(1950, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')}001`
      return first17 + checkCharacter(first17)
    }
    const lines = (edit: (i: number, cells: string[]) => void = () => undefined) => {
      const out = ['姓名,公民身份号码,联系电话,人口类别,房屋编号']
      for (let i = 0; i < N; i++) {
        const cells = [`流式${cn(i)}`, bulkId(i), '13800000000', '流动人口', String(houses[i % 3]!.id)]
        edit(i, cells)
        out.push(cells.join(','))
      }
      return Buffer.from(out.join('\r\n'))
    }
    const run = (bytes: Buffer, dryRun: boolean) => runRegisterImport(knex, street1, def, { bytes, format: 'csv' }, { dryRun })
    const problemsOf = async (bytes: Buffer) => {
      try {
        await run(bytes, false)
      } catch (err) {
        const e = err as AppError
        expect(e.status).to.equal(422)
        return (e.extra as { problems: { row: number; field: string; code: string }[] }).problems.map((q) => [q.row, q.field, q.code])
      }
      throw new Error('the import was not refused')
    }
    const written = async () => (await knex.raw("SELECT count(*)::int AS n FROM resident WHERE name LIKE '流式%'")).rows[0].n as number

    const dry = await run(lines(), true)
    expect([dry.rows, dry.inserted, dry.valid]).to.deep.equal([N, N, true])
    const wrong = (id: string) => id.slice(0, 17) + (id[17] === '3' ? '4' : '3')
    // an empty name in the second batch: the file's own problems are reported, not the database's
    expect(await problemsOf(lines((i, c) => {
      if (i === 10_498) c[1] = wrong(c[1]!)
      if (i === 6_000) c[0] = ''
    }))).to.deep.equal([[6_002, 'name', 'registers.invalid']])
    // a check digit wrong in the last batch, found while sealing it once the first two were sent
    expect(await problemsOf(lines((i, c) => { if (i === 10_498) c[1] = wrong(c[1]!) }))).to.deep.equal([[10_500, 'idNumber', 'residents.id_number']])
    // the database refuses a house in the third batch; a number repeated across batches
    expect(await problemsOf(lines((i, c) => { if (i === 10_798) c[4] = '99999999' }))).to.deep.equal([[10_800, 'houseId', 'residents.house_not_found']])
    let first = ''
    expect(await problemsOf(lines((i, c) => {
      if (i === 0) first = c[1]!
      if (i === 10_898) c[1] = first
    }))).to.deep.equal([[10_900, 'idNumber', 'residents.duplicate_in_file']])
    expect(await written()).to.equal(0)
  })

  it('imports houses by full address, upserting; a missing standard address names its row', async () => {
    const addr = await knex('std_address').where({ community_code: COMMUNITY, level: 50 }).orderBy('id').first('id', 'full_address')
    const rows = [1, 2, 3].map((k) => ({ addressId: Number(addr.id), fullAddress: `${addr.full_address}导入${k}室`, room: `导入${k}室`, use: 'residential', area: 60 + k }))
    const res = await importIn('houses', rows, street1, async (trx, r) => {
      const again = await registerNamed('houses')!.importRows(trx, rows.map((x) => registerNamed('houses')!.rowSchema.parse({ ...x, area: 99 })), { principal: street1, cityCode: '990100', rowNumbers: [2, 3, 4] })
      const { rows: c } = await trx.raw("SELECT count(*)::int AS n, sum(area)::int AS area FROM house WHERE full_address LIKE '%导入_室'")
      return { r, again, c: c[0] }
    })
    expect(res.r).to.deep.equal({ inserted: 3, updated: 0 })
    expect(res.again).to.deep.equal({ inserted: 0, updated: 3 })
    expect(res.c).to.deep.equal({ n: 3, area: 297 })
    const e = await refused('houses', [rows[0]!, { ...rows[1]!, addressId: 99999999 }])
    expect([e.row, e.field]).to.deep.equal([3, 'addressId'])
  })

  it('the grid view: totals and stale counts of a grid against SQL counts, stale rows first', async () => {
    const { rows: [g] } = await knex.raw(`SELECT grid_code FROM resident WHERE grid_code LIKE ? AND moved_out_at IS NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`, [`${COMMUNITY}%`])
    const staleBefore = new Date(Date.now() - 90 * 86_400_000)
    for (const [name, table, extra] of [['residents', 'resident', 'AND moved_out_at IS NULL'], ['houses', 'house', '']] as const) {
      const view = await registerNamed(name)!.inGrids!(knex, street1, [g.grid_code], { staleBefore, limit: 20 })
      const base = knex(table).where({ grid_code: g.grid_code })
      if (extra) base.whereNull('moved_out_at')
      const [c] = await base.select(knex.raw('count(*)::int AS total'), knex.raw('count(*) FILTER (WHERE verified_at IS NULL OR verified_at < ?)::int AS stale', [staleBefore]))
      expect({ total: view.total, stale: view.stale }).to.deep.equal(c)
      expect(view.total).to.be.greaterThan(0)
      expect(view.items.length).to.equal(Math.min(20, c.total))
      const staleFlags = view.items.map((i) => i.stale as boolean)
      expect(staleFlags.indexOf(false) === -1 || staleFlags.slice(staleFlags.indexOf(false)).every((s) => !s) || name === 'residents').to.equal(true)
    }
  })

  it('search: the exact ID number finds the resident for people roles only', async () => {
    const r = await knex('resident').where('community_code', COMMUNITY).orderBy('id').first('id')
    const client = await testClient()
    const h = await loginAs(client, 'command')
    const full = (await client.get(`/api/v1/residents/${r.id}`, h)).json().idNumber as string
    const answer = await search(knex, street1, '990100', full, 5)
    const person = answer.groups.find((g) => g.group === 'person')!
    expect(person.items.filter((i) => i.kind === 'resident').map((i) => Number(i.id))).to.deep.equal([Number(r.id)])
    const analyst = toPrincipal((await findUserByName(knex, 'analyst'))!, 'user')
    const none = await search(knex, analyst, '990100', full, 5)
    expect(none.groups.flatMap((g) => g.items).filter((i) => i.kind === 'resident')).to.have.length(0)
  })
})
