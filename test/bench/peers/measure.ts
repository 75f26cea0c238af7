// Interleaved rounds: every server of a row in turn, CONNECTIONS keep-alive clients (autocannon)
// over the same request sequence for `seconds`, `rounds` times; the median requests/s of each and
// the CPU per request of its processes and of PostgreSQL (cpu.ts). The raw tile SQL runs through
// pgbench with the same number of clients.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import { median } from '../support.ts'
import { sampleCpu } from './cpu.ts'

export const CONNECTIONS = 8

export interface Target {
  /** Column name: gridgov, MapServer, QGIS Server, nginx cache, pgbench. */
  name: string
  /** One measured run of `seconds`; returns requests completed, requests/s and errors. */
  run(seconds: number): Promise<{ requests: number; reqPerSec: number; errors: number }>
  /** Processes whose CPU is the server's (empty: not measured). */
  pids: () => number[]
}

export interface Outcome { name: string; reqPerSec: number; errors: number; serverMsPerReq: number | null; postgresMsPerReq: number }

/** An HTTP target: request i of every run takes path(i), counting from 0 in each run. */
export function httpTarget(name: string, origin: string, path: (i: number) => string, headers: Record<string, string>,
  pids: () => number[]): Target {
  return {
    name, pids,
    async run(seconds) {
      let i = 0
      const r = await autocannon({
        url: origin, duration: seconds, connections: CONNECTIONS, pipelining: 1, timeout: 60, headers,
        requests: [{ setupRequest: (req) => ({ ...req, path: path(i++) }) }],
      })
      return { requests: r.requests.total, reqPerSec: r.requests.average, errors: r.errors + r.non2xx + r.timeouts }
    },
  }
}

/** The raw tile SQL through pgbench (prepared statements, CONNECTIONS clients, 2 threads). */
export function pgbenchTarget(databaseUrl: string, scriptFile: string): Target {
  return {
    name: 'pgbench', pids: () => [],
    async run(seconds) {
      const { stdout } = await promisify(execFile)('/usr/bin/pgbench', ['-n', '-M', 'prepared', '-c', String(CONNECTIONS), '-j', '2',
        '-T', String(seconds), '-f', scriptFile, databaseUrl], { maxBuffer: 1 << 20 })
      const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? NaN)
      const done = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1] ?? NaN)
      const failed = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0)
      if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`)
      return { requests: done, reqPerSec: tps, errors: failed }
    },
  }
}

/** Warm-up (1 s each), then `rounds` rounds of every target in turn; medians per target. */
export async function interleaved(targets: Target[], rounds: number, seconds: number): Promise<Outcome[]> {
  for (const t of targets) await t.run(1)
  const per = targets.map(() => ({ rps: [] as number[], server: [] as number[], pg: [] as number[], errors: 0 }))
  for (let r = 0; r < rounds; r++) {
    for (const [k, t] of targets.entries()) {
      const pids = t.pids()
      const before = sampleCpu(pids)
      const m = await t.run(seconds)
      const after = sampleCpu(pids)
      const n = Math.max(1, m.requests)
      per[k]!.rps.push(m.reqPerSec)
      per[k]!.server.push((after.server - before.server) * 1000 / n)
      per[k]!.pg.push((after.postgres - before.postgres) * 1000 / n)
      per[k]!.errors += m.errors
    }
  }
  return targets.map((t, k) => ({
    name: t.name, reqPerSec: median(per[k]!.rps), errors: per[k]!.errors,
    serverMsPerReq: t.pids().length ? median(per[k]!.server) : null, postgresMsPerReq: median(per[k]!.pg),
  }))
}
