// /health through the koa app against a raw node:http server doing the same work (one database
// round trip, the same JSON), both in one child process (servers.ts) on the DATABASE_URL database.
import { compareHttp, type BenchResult } from './harness.ts'
import { forkChild } from './support.ts'

export async function benchHealth(results: BenchResult[]): Promise<void> {
  const child = await forkChild<{ raw: number; koa: number; mode: string }>(new URL('./servers.ts', import.meta.url))
  const ports = child.message
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
    await child.stop()
  }
}
