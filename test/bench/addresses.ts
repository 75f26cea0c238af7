// Address geocoding bench on the city-scale demo data (50,000 standard addresses) in a database
// of its own on the DATABASE_URL server (gridgov_bench_addresses), created and seeded on first
// use and kept for later runs.
//
// Inputs: doorplates and rooms drawn deterministically from std_address, each written the way
// people write addresses (levels left out, full-width digits, aliases, Chinese numerals,
// shorthand, one-character typos in road or estate names; see test/addresses/perturb.ts).
// Baseline: what one writes without a geocoder, one `full_address LIKE '%input%'` scan per
// address (spaces stripped, shortest hit wins), run with the pool's concurrency.
// Subjects: the matcher (server/addresses/matcher.ts) in batches of 1,000, as the batch
// endpoint runs it, and one call per address with the same concurrency as the baseline.
// Accuracy = share of inputs whose match is the address they were made from.
import knexFactory, { type Knex } from 'knex'
import type { BenchResult } from './harness.ts'
import { migrate } from '../../server/db/migrate.ts'
import { geocodeAddresses } from '../../server/addresses/matcher.ts'
import { perturbAll, type Perturbation, type StdAddress } from '../addresses/perturb.ts'

const BENCH_DB = 'gridgov_bench_addresses'
const CITY = '990100'
const INPUTS = 2_000
const BATCH = 1_000
const ROUNDS = 3
const CONCURRENCY = 4

// Every input gets one of these, in turn: single changes and the combinations people make.
const VARIANTS: Perturbation[][] = [
  [], ['drop-prefix'], ['drop-admin'], ['full-width', 'spaces'], ['aliases'], ['chinese-numerals'],
  ['shorthand', 'drop-prefix'], ['road-typo'], ['estate-typo', 'drop-prefix'], ['drop-estate'],
  ['road-typo', 'full-width', 'drop-prefix'], ['drop-admin', 'aliases', 'chinese-numerals'],
]

async function benchDatabase(): Promise<Knex> {
  const url = process.env.DATABASE_URL
  if (!url) throw new Error('the address bench needs DATABASE_URL (a PostGIS server)')
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
  const exists = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [BENCH_DB])
  if (!exists.rows.length) await admin.raw('CREATE DATABASE ??', [BENCH_DB])
  await admin.destroy()
  const u = new URL(url)
  u.pathname = `/${BENCH_DB}`
  const knex = knexFactory({ client: 'pg', connection: u.toString(), pool: { min: 0, max: CONCURRENCY } })
  await migrate(knex)
  const { n } = await knex('std_address').count<{ n: number }[]>('* as n').first() as { n: number }
  if (Number(n) < 50_000) {
    process.stderr.write('bench addresses: loading the city-scale demo data (once)…\n')
    const { generateCity } = await import('../../fixtures/generate.ts')
    const { loadCity } = await import('../../fixtures/load.ts')
    await loadCity(knex, generateCity({ scale: 'city' }))
    await knex.raw('ANALYZE')
  }
  return knex
}

interface Case { input: string; id: number }

async function cases(knex: Knex): Promise<Case[]> {
  // md5 order: a fixed, well spread sample of doorplates (50) and rooms (60).
  const rows = (await knex.raw(`SELECT id::int AS id, level, full_address, road, house_number, estate, building, unit, room
    FROM std_address WHERE city_code = ? AND level IN (50, 60) ORDER BY md5(id::text) LIMIT ?`, [CITY, INPUTS])).rows as StdAddress[]
  return rows.map((r, i) => ({ input: perturbAll(r, VARIANTS[i % VARIANTS.length]!), id: r.id }))
}

/** The hand-written baseline: a substring scan per address. */
async function likeOne(knex: Knex, input: string): Promise<number | undefined> {
  const text = input.replace(/\s+/g, '')
  const { rows } = await knex.raw(`SELECT id::int AS id FROM std_address
    WHERE city_code = ? AND full_address LIKE '%' || ? || '%' ORDER BY length(full_address), id LIMIT 1`, [CITY, text])
  return (rows as { id: number }[])[0]?.id
}

async function pooled<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i]!)
    }
  }))
  return out
}

async function batched(knex: Knex, inputs: string[]): Promise<(number | undefined)[]> {
  const ids: (number | undefined)[] = []
  for (let i = 0; i < inputs.length; i += BATCH) {
    const res = await geocodeAddresses(knex, CITY, inputs.slice(i, i + BATCH), 0)
    ids.push(...res.map((r) => r.match?.id))
  }
  return ids
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function rate(n: number, run: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint()
  await run()
  return n / (Number(process.hrtime.bigint() - t0) / 1e9)
}

const accuracy = (ids: (number | undefined)[], cs: Case[]) => ids.filter((id, i) => id === cs[i]!.id).length / cs.length

export async function benchAddresses(results: BenchResult[]): Promise<void> {
  const knex = await benchDatabase()
  try {
    const cs = await cases(knex)
    const inputs = cs.map((c) => c.input)
    const runs = {
      like: () => pooled(inputs, CONCURRENCY, (s) => likeOne(knex, s)),
      batch: () => batched(knex, inputs),
      single: () => pooled(inputs, CONCURRENCY, async (s) => (await geocodeAddresses(knex, CITY, [s], 0))[0]!.match?.id),
    }
    // Warm-up (JIT, pool, plan and gazetteer caches) also yields the answers for accuracy.
    const acc = { like: accuracy(await runs.like(), cs), batch: accuracy(await runs.batch(), cs), single: accuracy(await runs.single(), cs) }
    const r: Record<keyof typeof runs, number[]> = { like: [], batch: [], single: [] }
    for (let i = 0; i < ROUNDS; i++) {
      for (const k of ['like', 'batch', 'single'] as const) r[k].push(await rate(inputs.length, runs[k]))
    }
    const [like, batch, single] = [median(r.like), median(r.batch), median(r.single)]
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`
    results.push({
      name: 'address geocoding: batch', baseline: `LIKE '%…%' per address, ${CONCURRENCY} concurrent`,
      subject: `matcher, batches of ${BATCH}`, metric: 'ops/s', baselineValue: like, subjectValue: batch,
      ratio: batch / like, target: '≥ 10× and ≥ 95 % accurate', met: batch / like >= 10 && acc.batch >= 0.95,
      note: `addresses/s on ${inputs.length} perturbed doorplates/rooms of the city-scale data; accuracy matcher ${pct(acc.batch)}, LIKE ${pct(acc.like)}`,
    })
    results.push({
      name: 'address geocoding: one call per address', baseline: `LIKE '%…%' per address, ${CONCURRENCY} concurrent`,
      subject: `matcher per address, ${CONCURRENCY} concurrent`, metric: 'ops/s', baselineValue: like, subjectValue: single,
      ratio: single / like, target: '≥ 1× and ≥ 95 % accurate', met: single / like >= 1 && acc.single >= 0.95,
      note: `accuracy matcher ${pct(acc.single)}, LIKE ${pct(acc.like)}`,
    })
  } finally {
    await knex.destroy()
  }
}
