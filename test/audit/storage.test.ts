// The access audit's table (migration 0032): append-only by the database (UPDATE, DELETE and
// TRUNCATE refused, on the parent and on a partition directly), month partitions a year ahead
// plus a default one, the daily housekeeping (idempotent) and the login throttle's old rows.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { runAuditHousekeeping, pruneLoginThrottle } from '../../server/audit/housekeeping.ts'
import { writeAuditRows } from '../../server/audit/write.ts'
import type { AuditRow } from '../../server/audit/rows.ts'

const row = (over: Partial<AuditRow> = {}): AuditRow => ({
  request_id: `storage-${process.pid}`, user_id: null, username: 'storage_test', role: 'command_center', principal_kind: 'user',
  client_address: '127.0.0.1', method: 'POST', path: '/api/v1/test', action: 'create', resource_type: 'test', resource_id: '1',
  record_id: null, community_code: null, personal: false, fields: [], status: 200, city_code: '990100', reason: null, ...over,
})

/** Month names yyyymm in Asia/Shanghai, from `from` months relative to now, computed without the database. */
function shanghaiMonths(from: number, count: number): string[] {
  const now = new Date(Date.now() + 8 * 3600_000)
  const out: string[] = []
  for (let i = from; i < from + count; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1))
    out.push(`${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`)
  }
  return out
}

describe('access audit: the table', function () {
  this.timeout(60_000)
  let knex: Knex
  const partitions = async () => (await knex.raw(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'access_audit' ORDER BY 1`)).rows.map((r: { relname: string }) => r.relname) as string[]

  before(async () => { knex = await getTestDb() })

  it('refuses UPDATE, DELETE and TRUNCATE, on the table and on a partition', async () => {
    const [w, u] = await writeAuditRows(knex, [row({ resource_id: 'keep-me' }),
      row({ action: 'unmask', resource_type: 'events', resource_id: 'E202601010001', personal: true, fields: ['reporter.phone'], reason: '回访核实联系方式' })])
    const month = `access_audit_${shanghaiMonths(0, 1)[0]}`
    const attempts = [
      ['UPDATE access_audit SET username = ? WHERE id = ?', ['forged', w!.id]],
      ['DELETE FROM access_audit WHERE id = ?', [w!.id]],
      ['TRUNCATE access_audit', []],
      ['UPDATE ?? SET username = ? WHERE id = ?', [month, 'forged', w!.id]],
      ['DELETE FROM ?? WHERE id = ?', [month, w!.id]],
      // 0031's view over the unmask rows reaches the same trigger
      ['UPDATE privacy_unmask SET reason = ? WHERE id = ?', ['forged', u!.id]],
      ['DELETE FROM privacy_unmask WHERE id = ?', [u!.id]],
    ] as const
    let refused = 0
    for (const [sql, b] of attempts) {
      await knex.raw(sql, [...b]).then(() => expect.fail(`${sql} was allowed`), (err: Error) => {
        expect(err.message, sql).to.include('append-only')
        refused++
      })
    }
    expect(refused).to.equal(attempts.length)
    const kept = await knex('access_audit').where({ id: w!.id }).first()
    expect(kept).to.deep.include({ username: 'storage_test', resource_id: 'keep-me' })
    expect(await knex('privacy_unmask').where({ id: u!.id }).first()).to.deep.include({ record_number: 'E202601010001', reason: '回访核实联系方式' })
    // positive control: the current month's partition holds it (the direct statements were real)
    expect((await knex.raw('SELECT count(*)::int AS n FROM ?? WHERE id = ?', [month, w!.id])).rows[0].n).to.equal(1)
  })

  it('is partitioned by month a year ahead, with a default partition that takes any instant', async () => {
    const names = await partitions()
    expect(names).to.include('access_audit_default')
    for (const m of shanghaiMonths(0, 13)) expect(names, m).to.include(`access_audit_${m}`)
    // a month boundary is Shanghai midnight: the last instant of a month lands in that month
    const [m0, m1] = shanghaiMonths(0, 2)
    const edge = new Date(`${m1!.slice(0, 4)}-${m1!.slice(4)}-01T00:00:00+08:00`)
    await knex.raw(`INSERT INTO access_audit (at, username, role, principal_kind, method, path, action)
      VALUES (?, 'edge', 'public', 'anonymous', 'GET', '/', 'read'), (?, 'edge', 'public', 'anonymous', 'GET', '/', 'read'),
      ('2199-01-01T00:00:00Z', 'edge', 'public', 'anonymous', 'GET', '/', 'read')`, [new Date(edge.getTime() - 1), edge])
    const where = (await knex.raw(`SELECT tableoid::regclass::text AS part FROM access_audit WHERE username = 'edge' ORDER BY at`)).rows.map((r: { part: string }) => r.part)
    expect(where).to.deep.equal([`access_audit_${m0}`, `access_audit_${m1}`, 'access_audit_default'])
  })

  it('creates the coming months in the daily pass, idempotently', async () => {
    const first = await runAuditHousekeeping(knex)
    const again = await runAuditHousekeeping(knex)
    expect(again.partitions).to.equal(0)
    expect(first.partitions).to.be.at.most(1)
    expect(await partitions()).to.include(`access_audit_${shanghaiMonths(12, 1)[0]}`)
  })

  it('drops login throttle rows older than a day, keeping recent ones and running lockouts', async () => {
    const now = new Date()
    const h = (c: string) => c.repeat(64)
    const ago = (ms: number) => new Date(now.getTime() - ms)
    await knex('login_throttle').whereIn('key_hash', [h('a'), h('b'), h('c'), h('d')]).delete()
    await knex('login_throttle').insert([
      { scope: 'account', key_hash: h('a'), failures: 3, window_start: ago(2 * 86_400_000), locked_until: null },
      { scope: 'address', key_hash: h('b'), failures: 9, window_start: ago(2 * 86_400_000), locked_until: ago(86_400_000) },
      { scope: 'account', key_hash: h('c'), failures: 2, window_start: ago(3600_000), locked_until: null },
      { scope: 'account', key_hash: h('d'), failures: 20, window_start: ago(2 * 86_400_000), locked_until: new Date(now.getTime() + 3600_000) },
    ])
    const pruned = await pruneLoginThrottle(knex, now)
    expect(pruned).to.be.at.least(2)
    const left = (await knex('login_throttle').whereIn('key_hash', [h('a'), h('b'), h('c'), h('d')]).select('key_hash')).map((r) => r.key_hash[0]).sort()
    expect(left).to.deep.equal(['c', 'd'])
    await knex('login_throttle').whereIn('key_hash', [h('c'), h('d')]).delete()
  })
})
