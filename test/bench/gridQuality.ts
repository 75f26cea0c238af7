// Data quality per base grid (一格一档, issue 20 item 7, Speed): the quality score of every base
// grid of the city-scale bench city (3,000 grids, 100,000 houses, 300,000 residents, 100,000
// components) computed and stored in one statement (computeGridQuality). Target ≤ 30 s; median of
// three runs, the first after a warm-up run.
import type { BenchResult } from './harness.ts'
import { benchDatabase, median } from './support.ts'
import { CITY_CODE } from '../../fixtures/generate.ts'
import { computeGridQuality } from '../../server/quality/gridData.ts'

export async function benchGridQuality(results: BenchResult[]): Promise<void> {
  const { knex } = await benchDatabase('grid-quality', { scale: 'city' })
  try {
    const city = `${CITY_CODE}000000`
    await computeGridQuality(knex, city)
    const runs: number[] = []
    let grids = 0
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint()
      grids = await computeGridQuality(knex, city)
      runs.push(Number(process.hrtime.bigint() - t0) / 1e9)
    }
    const s = median(runs)
    results.push({
      name: `grid data quality, every base grid of the city (${grids} grids)`, baseline: 'target 30 s', subject: 'computeGridQuality',
      metric: 'mean', baselineValue: 30, subjectValue: s, ratio: 30 / s, target: '≤ 30 s', met: s <= 30,
    })
    process.stderr.write(`bench grid-quality: ${grids} grids in ${s.toFixed(2)} s (runs ${runs.map((r) => r.toFixed(2)).join(', ')})\n`)
  } finally {
    await knex.destroy()
  }
}
