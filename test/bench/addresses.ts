// Address geocoding bench on the city-scale bench database (50,000 standard addresses;
// support.ts benchDatabase); it only reads.
//
// Inputs: doorplates and rooms drawn deterministically from std_address, each written the way
// people write addresses (levels left out, full-width digits, aliases, Chinese numerals,
// shorthand, one-character typos in road or estate names; see test/addresses/perturb.ts).
// Baseline: what one writes without a geocoder, one `full_address LIKE '%input%'` scan per
// address (spaces stripped, shortest hit wins), run with the pool's concurrency.
// Subjects: the matcher (server/addresses/matcher.ts) in batches of 1,000, as the batch
// endpoint runs it, and one call per address with the same concurrency as the baseline.
// Accuracy = share of inputs whose match is the address they were made from.
import type { Knex } from 'knex'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, pooled, timed } from './support.ts'
import { geocodeAddresses } from '../../server/addresses/matcher.ts'
import { perturbAll, type Perturbation, type StdAddress } from '../addresses/perturb.ts'

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

async function batched(knex: Knex, inputs: string[]): Promise<(number | undefined)[]> {
  const ids: (number | undefined)[] = []
  for (let i = 0; i < inputs.length; i += BATCH) {
    const res = await geocodeAddresses(knex, CITY, inputs.slice(i, i + BATCH), 0)
    ids.push(...res.map((r) => r.match?.id))
  }
  return ids
}

const accuracy = (ids: (number | undefined)[], cs: Case[]) => ids.filter((id, i) => id === cs[i]!.id).length / cs.length

export async function benchAddresses(results: BenchResult[]): Promise<void> {
  const { knex } = await benchDatabase('addresses', { poolMax: CONCURRENCY })
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
      for (const k of ['like', 'batch', 'single'] as const) r[k].push(inputs.length / await timed(runs[k]))
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
