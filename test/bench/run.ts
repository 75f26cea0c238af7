// `npm run bench`: runs every benchmark, prints a table of ratios and writes bench-results/*.json.
// Use a real PostGIS (DATABASE_URL): the embedded one is 3-4× slower and is not what we tune for.
import { fork } from 'node:child_process'
import os from 'node:os'
import { compareHttp, printTable, writeResults, type BenchResult } from './harness.ts'

const only = process.argv.slice(2)

async function benchHealth(results: BenchResult[]): Promise<void> {
  const child = fork(new URL('./servers.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  const ports = await new Promise<{ raw: number; koa: number; mode: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { raw: number; koa: number; mode: string }))
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)))
  })
  try {
    const { baseline, subject } = await compareHttp(`http://127.0.0.1:${ports.raw}/health`, `http://127.0.0.1:${ports.koa}/health`)
    const ratio = subject.reqPerSec / baseline.reqPerSec
    results.push({
      name: '/health through koa', baseline: 'raw node:http, same query', subject: 'gridgov koa app',
      metric: 'req/s', baselineValue: baseline.reqPerSec, subjectValue: subject.reqPerSec, ratio,
      target: '≥ 0.6×', met: ratio >= 0.6 && subject.errors === 0,
      note: `database ${ports.mode}; p50 ${baseline.p50Ms} ms vs ${subject.p50Ms} ms; errors ${subject.errors}`,
    })
  } finally {
    child.send('stop')
    await new Promise((r) => child.once('exit', r))
  }
}

// One entry per benchmark; each pushes BenchResult rows (ratio against a same-run baseline).
const benches: Record<string, (results: BenchResult[]) => Promise<void>> = {
  health: benchHealth,
}
const results: BenchResult[] = []
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue
  process.stderr.write(`bench: ${name}…\n`)
  await run(results)
}
printTable(results)
const file = writeResults(results, {
  database: process.env.DATABASE_URL ? 'external' : 'embedded', cpus: os.cpus().length, node: process.version,
})
console.log(`\nresults written to ${file}`)
