// Benchmark harness: every entry compares a subject with a baseline measured in the same run,
// interleaved round by round so that machine noise hits both alike; results are ratios.
import fs from 'node:fs'
import path from 'node:path'
import autocannon from 'autocannon'
import { median } from './support.ts'

export interface Measurement { reqPerSec: number; p50Ms: number; p99Ms: number; errors: number }

export interface BenchResult {
  name: string
  baseline: string
  subject: string
  metric: 'req/s' | 'ops/s' | 'p50' | 'mean' | 'events/h'
  baselineValue: number
  subjectValue: number
  /** subject relative to baseline, > 1 means the subject is faster */
  ratio: number
  target: string
  met: boolean
  note?: string
}

/** Runs an HTTP load against a URL for `seconds` with `connections` concurrent clients. */
export async function load(url: string, seconds: number, connections = 16, more: Partial<autocannon.Options> = {}): Promise<Measurement> {
  const r = await autocannon({ url, duration: seconds, connections, pipelining: 1, ...more })
  return { reqPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx }
}

/** Alternates baseline and subject for `rounds` rounds and keeps the median of each. */
export async function compareHttp(baselineUrl: string, subjectUrl: string, rounds = 3, seconds = 3): Promise<{ baseline: Measurement; subject: Measurement }> {
  const b: Measurement[] = [], s: Measurement[] = []
  await load(baselineUrl, 1) // warm-up both (JIT, pools)
  await load(subjectUrl, 1)
  for (let i = 0; i < rounds; i++) {
    b.push(await load(baselineUrl, seconds))
    s.push(await load(subjectUrl, seconds))
  }
  return { baseline: medianOf(b), subject: medianOf(s) }
}

/** The median of each figure; errors are summed. */
export function medianOf(ms: Measurement[]): Measurement {
  return {
    reqPerSec: median(ms.map((m) => m.reqPerSec)), p50Ms: median(ms.map((m) => m.p50Ms)),
    p99Ms: median(ms.map((m) => m.p99Ms)), errors: ms.reduce((a, m) => a + m.errors, 0),
  }
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [r.name, r.baseline, fmt(r.baselineValue), fmt(r.subjectValue), r.metric,
    `${r.ratio.toFixed(2)}×`, r.target, r.met ? 'yes' : 'NO'])
  const head = ['benchmark', 'baseline', 'baseline', 'subject', 'unit', 'ratio', 'target', 'met']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of rows) console.log(line(r.map(String)))
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toString() : n.toFixed(2))

/** Writes bench-results/latest.json and a dated copy, for comparing a change with the last run. */
export function writeResults(results: BenchResult[], meta: Record<string, unknown>): string {
  const dir = path.resolve('bench-results')
  fs.mkdirSync(dir, { recursive: true })
  const doc = { at: new Date().toISOString(), ...meta, results }
  const file = path.join(dir, `bench-${doc.at.replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(doc, null, 2))
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(doc, null, 2))
  return file
}
