// Benches of the registers (issue 14, Speed), on the city-scale bench database with its demo
// registers (`npm run seed:registers -- --scale city` first: minutes, once):
//
// 1. Import of 100,000 residents through the import path (runRegisterImport on a CSV: parse,
//    cells → types, the row schema, ID numbers checked and sealed, set-based writes of residents,
//    households and residence history) against row-by-row INSERTs of the same residents (a
//    resident and its residence row per person, two statements, 8 concurrent clients over the
//    pool, every value, sealed ID numbers included, computed before the clock starts). The
//    baseline is timed on BASELINE_ROWS people (its rate does not depend on the count); the ratio
//    is of rows per second. Target ≥ 5×. Every row written is deleted afterwards.
// 2. A grid's register view (GET /api/v1/registers/grids/{code}: every register with a grid view,
//    all residents, houses, places … of one base grid, counts and stale counts) from the app in
//    a child process, one client, random grids: p50 against the budget of 50 ms, the
//    grid's own detail (GET /api/v1/grids/{code}) measured alongside, interleaved.
//
// BENCH_REGISTER_ROWS lowers the import's count for a quick run.
import type { Knex } from 'knex'
import { CITY_CODE } from '../../fixtures/generate.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import type { Principal } from '../../server/auth/users.ts'
import { checkCharacter } from '../../server/privacy/idNumber.ts'
import { maskIdNumber } from '../../server/privacy/fields.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'
import { runRegisterImport } from '../../server/registers/importJob.ts'
import { residentRegister } from '../../server/residents/register.ts'
import { ID_CONTEXT } from '../../server/residents/store.ts'
import { identityOf } from '../../server/residents/identity.ts'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, pooled, startAppChild, timed } from './support.ts'

const ROWS = Number(process.env.BENCH_REGISTER_ROWS ?? 100_000)
const BASELINE_ROWS = Math.min(ROWS, 20_000)
const CLIENTS = 8
const VIEW_REQUESTS = 200
const BUDGET_MS = 50

const operator: Principal = {
  kind: 'user', userId: null, username: 'bench', displayName: '基准测试', role: 'command_center',
  departmentId: null, cityCode: CITY_CODE, jurisdiction: Jurisdiction.of([`${CITY_CODE}000000`]),
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华'

interface Person { name: string; id: string; phone: string; houseId: number }

/** People nobody else has: a region code of the run and round, birth dates and sequence numbers counted up. */
function people(n: number, houses: number[], region: string): Person[] {
  const day0 = Date.UTC(1950, 0, 1)
  return Array.from({ length: n }, (_, i) => {
    const birth = new Date(day0 + (i % 20_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')
    const first17 = `${region}${birth}${String(Math.floor(i / 20_000)).padStart(3, '0')}`
    return {
      name: SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 7) % GIVEN.length]! + GIVEN[(i * 13) % GIVEN.length]!,
      id: first17 + checkCharacter(first17), phone: `139${String(i).padStart(8, '0')}`, houseId: houses[(i * 7919) % houses.length]!,
    }
  })
}

const csvOf = (ps: Person[]) => Buffer.from(['姓名,公民身份号码,联系电话,人口类别,房屋编号',
  ...ps.map((p) => `${p.name},${p.id},${p.phone},流动人口,${p.houseId}`)].join('\r\n'))

async function insertOne(knex: Knex, p: Person & { sealed: string; index: string; masked: string; gender: string; birthDate: string }): Promise<void> {
  const { rows } = await knex.raw(`INSERT INTO resident (city_code, community_code, grid_code, name, gender, birth_date, id_number_sealed,
      id_number_index, id_number_masked, phone, kind, house_id, geom)
    SELECT ?, h.community_code, h.grid_code, ?, ?, ?::date, ?, ?, ?, ?, 'floating', h.id, h.geom FROM house h WHERE h.id = ? RETURNING id`,
  [CITY_CODE, p.name, p.gender, p.birthDate, p.sealed, p.index, p.masked, p.phone, p.houseId])
  await knex.raw(`INSERT INTO resident_residence (resident_id, house_id, role, reason) VALUES (?, ?, 'living', 'import')`, [rows[0].id, p.houseId])
}

async function cleanUp(knex: Knex, firstId: number): Promise<void> {
  await knex.raw('DELETE FROM resident_residence WHERE resident_id > ?', [firstId])
  await knex.raw('DELETE FROM resident WHERE id > ?', [firstId])
}

async function benchImport(knex: Knex, results: BenchResult[]): Promise<void> {
  const houses = (await knex('house').where({ city_code: CITY_CODE }).whereNot({ status: 'demolished' }).orderBy('id').limit(50_000).pluck('id')).map(Number)
  if (!houses.length) throw new Error('the bench database holds no houses: the people register did not load')
  const before = Number((await knex('resident').max<{ m: string | null }[]>('id as m'))[0]!.m ?? 0)
  const salt = String(Date.now() % 90 + 10)
  const keyring = dataKeyring()
  try {
    const base = people(BASELINE_ROWS, houses, `97${salt}01`).map((p) => ({ ...p, sealed: keyring.encrypt(p.id, ID_CONTEXT),
      index: keyring.blindIndex(p.id, ID_CONTEXT), masked: maskIdNumber(p.id), ...identityOf(p.id) }))
    const subject = csvOf(people(ROWS, houses, `98${salt}01`))
    // warm-up: plans and caches of both paths
    await pooled(people(200, houses, `96${salt}01`).map((p) => ({ ...p, sealed: keyring.encrypt(p.id, ID_CONTEXT), index: keyring.blindIndex(p.id, ID_CONTEXT),
      masked: maskIdNumber(p.id), ...identityOf(p.id) })), CLIENTS, (p) => insertOne(knex, p))
    await runRegisterImport(knex, operator, residentRegister, { bytes: csvOf(people(500, houses, `96${salt}02`)), format: 'csv' }, { dryRun: false })
    const baseline = BASELINE_ROWS / await timed(() => pooled(base, CLIENTS, (p) => insertOne(knex, p)))
    let inserted = 0
    const rate = ROWS / await timed(async () => {
      inserted = (await runRegisterImport(knex, operator, residentRegister, { bytes: subject, format: 'csv' }, { dryRun: false })).inserted
    })
    if (inserted !== ROWS) throw new Error(`imported ${inserted} of ${ROWS}`)
    results.push({
      name: `import of ${ROWS.toLocaleString('en')} residents (CSV, ${(subject.length / 1e6).toFixed(1)} MB)`, baseline: `row-by-row INSERTs, ${CLIENTS} concurrent`,
      subject: 'POST …/registers/residents/import path', metric: 'ops/s', baselineValue: baseline, subjectValue: rate, ratio: rate / baseline,
      target: '≥ 5×', met: rate / baseline >= 5,
      note: `baseline timed on ${BASELINE_ROWS.toLocaleString('en')} people, its values (sealed IDs) computed before the clock; the subject parses, converts, validates, checks and seals in the clock; city-scale database`,
    })
    process.stderr.write(`bench registers: ${JSON.stringify(results.at(-1))}\n`)
  } finally {
    await cleanUp(knex, before)
  }
}

async function benchGridView(url: string, knex: Knex, results: BenchResult[]): Promise<void> {
  const codes = (await knex.raw(`SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL ORDER BY md5(code) LIMIT ?`, [VIEW_REQUESTS])).rows.map((r: { code: string }) => r.code)
  const app = await startAppChild(url)
  try {
    const login = await fetch(`${app.origin}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'command', password: DEMO_PASSWORD }) })
    const headers = { authorization: `Bearer ${(await login.json() as { token: string }).token}` }
    const time = async (path: string) => {
      const t0 = process.hrtime.bigint()
      const res = await fetch(`${app.origin}${path}`, { headers })
      const body = await res.text()
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`)
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, body }
    }
    for (const c of codes.slice(0, 20)) { await time(`/api/v1/registers/grids/${c}`); await time(`/api/v1/grids/${c}`) }
    const view: number[] = [], detail: number[] = []
    let rows = 0, sections = 0
    for (const c of codes) {
      const v = await time(`/api/v1/registers/grids/${c}`)
      view.push(v.ms)
      const parsed = JSON.parse(v.body) as { total: number; registers: unknown[] }
      rows += parsed.total
      sections = parsed.registers.length
      detail.push((await time(`/api/v1/grids/${c}`)).ms)
    }
    const p50 = median(view)
    results.push({
      name: 'a grid\'s register view (city scale)', baseline: 'the issue\'s budget', subject: 'GET /api/v1/registers/grids/{code}', metric: 'p50',
      baselineValue: BUDGET_MS, subjectValue: p50, ratio: BUDGET_MS / p50, target: '≤ 50 ms (ratio ≥ 1)', met: p50 <= BUDGET_MS,
      note: `${codes.length} random base grids, one client; ${sections} registers per view, ${Math.round(rows / codes.length)} rows per grid on average; ` +
        `p90 ${[...view].sort((a, b) => a - b)[Math.floor(view.length * 0.9)]!.toFixed(1)} ms; the grid's detail GET /api/v1/grids/{code} p50 ${median(detail).toFixed(1)} ms alongside`,
    })
  } finally {
    await app.stop()
  }
}

export async function benchRegisters(results: BenchResult[]): Promise<void> {
  const { knex, url } = await benchDatabase('registers', { poolMax: CLIENTS + 2 })
  try {
    // the registers are loaded once by their own command (minutes at the city scale), not here
    const loaded = await knex('register_demo').pluck('module') as string[]
    if (!loaded.includes('people')) {
      throw new Error('the bench database holds no demo registers: DATABASE_URL=…/gridgov_bench npm run seed:registers -- --scale city')
    }
    process.stderr.write(`bench registers: demo registers ${loaded.join(', ')}\n`)
    await benchImport(knex, results)
    await benchGridView(url, knex, results)
  } finally {
    await knex.destroy()
  }
}
