// Open-data files written, not computed on request: a pass writes each city's files of the day
// (Asia/Shanghai) with a manifest (date, period, and per file its sha256, rows and bytes) under
// DATA_DIR/open-data/<city>/<YYYY-MM-DD>/, and the API serves the newest day written. A request
// never runs the counting queries, so a crowd of downloads costs file reads, and every instance
// (they share DATA_DIR, as for attachments) serves the same bytes with the same ETag.
//
// A day is written into a temporary directory and renamed into place whole, manifest last, so a
// reader sees a complete day or none; two writers of one day (instances racing past the pass
// lease, or a rerun) leave exactly one. The pass runs hourly and writes a city's day once; the
// last KEEP_DAYS days are kept, older ones removed. On a fresh start, before the first pass, the
// first request for a city's files writes its day once (ensureOpenData) rather than answering
// that there are none.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Knex } from 'knex'
import { THRESHOLD } from '../analytics/reporters.ts'
import { shanghaiDay } from './pass.ts'
import { OPEN_DATASETS, communitiesCsv, communitiesGeoJson, communityDemands, monthlyCsv, monthlyDemands, openPeriod, type OpenDataset } from './openData.ts'

export const KEEP_DAYS = 7
const DAY_DIR = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/

export interface ManifestFile { name: string; dataset: OpenDataset; format: 'csv' | 'geojson'; sha256: string; rows: number; bytes: number }
export interface Manifest {
  schema: 'gridgov.open-data-manifest/1'
  city: string; date: string; generatedAt: string
  period: { from: string; to: string; timeZone: 'Asia/Shanghai' }
  threshold: number
  files: ManifestFile[]
}

export const openDataRoot = (dataDir: string) => path.join(dataDir, 'open-data')
const cityDir = (dataDir: string, city: string) => path.join(openDataRoot(dataDir), city)

/** The file names of the datasets: `<dataset>.<format>`. */
export const openFileNames = (Object.keys(OPEN_DATASETS) as OpenDataset[])
  .flatMap((d) => OPEN_DATASETS[d].formats.map((f) => ({ name: `${d}.${f}`, dataset: d, format: f as 'csv' | 'geojson' })))

/** The contents of a city's files now, with the rows each holds. */
async function contents(knex: Knex, city: string, now: Date): Promise<Map<string, { body: string; rows: number }>> {
  const monthly = await monthlyDemands(knex, city, now)
  const communities = await communityDemands(knex, city, now)
  return new Map([
    ['demands-monthly.csv', { body: monthlyCsv(monthly), rows: monthly.length }],
    ['communities.csv', { body: communitiesCsv(communities), rows: communities.length }],
    ['communities.geojson', { body: communitiesGeoJson(communities, openPeriod(now)), rows: communities.length }],
  ])
}

/** Writes a city's files of the day of `now`; false when that day was already written. */
export async function writeOpenDataDay(knex: Knex, dataDir: string, city: string, now = new Date()): Promise<boolean> {
  const date = shanghaiDay(now)
  const dir = cityDir(dataDir, city)
  const target = path.join(dir, date)
  if (fs.existsSync(path.join(target, 'manifest.json'))) return false
  const files = await contents(knex, city, now)
  fs.mkdirSync(dir, { recursive: true })
  const tmp = fs.mkdtempSync(path.join(dir, '.writing-'))
  try {
    const listed: ManifestFile[] = []
    for (const f of openFileNames) {
      const c = files.get(f.name)!
      const bytes = Buffer.from(c.body, 'utf8')
      fs.writeFileSync(path.join(tmp, f.name), bytes)
      listed.push({ ...f, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), rows: c.rows, bytes: bytes.length })
    }
    const period = openPeriod(now)
    const manifest: Manifest = {
      schema: 'gridgov.open-data-manifest/1', city, date, generatedAt: now.toISOString(),
      period: { from: period.from.toISOString(), to: period.to.toISOString(), timeZone: 'Asia/Shanghai' }, threshold: THRESHOLD, files: listed,
    }
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2))
    try {
      fs.renameSync(tmp, target)
    } catch (err) {
      // another writer renamed its day first: theirs stands
      if (['EEXIST', 'ENOTEMPTY', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) return false
      throw err
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  prune(dir)
  return true
}

/** Keeps the newest KEEP_DAYS days of a city, and clears temporaries a crashed writer left. */
function prune(dir: string): void {
  const entries = fs.readdirSync(dir)
  const days = entries.filter((n) => DAY_DIR.test(n)).sort()
  for (const old of days.slice(0, Math.max(0, days.length - KEEP_DAYS))) fs.rmSync(path.join(dir, old), { recursive: true, force: true })
  for (const t of entries.filter((n) => n.startsWith('.writing-'))) {
    const p = path.join(dir, t)
    // only a day old: a writer may be busy in a fresh one right now
    if (Date.now() - fs.statSync(p).mtimeMs > 86_400_000) fs.rmSync(p, { recursive: true, force: true })
  }
}

/** The newest day written for a city (its manifest and directory), or null before the first pass. */
export function newestOpenData(dataDir: string, city: string): { manifest: Manifest; dir: string } | null {
  let names: string[]
  try {
    names = fs.readdirSync(cityDir(dataDir, city))
  } catch {
    return null
  }
  for (const day of names.filter((n) => DAY_DIR.test(n)).sort().reverse()) {
    const dir = path.join(cityDir(dataDir, city), day)
    try {
      return { manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest, dir }
    } catch {
      // a day without a readable manifest is not a day written: try the one before
    }
  }
  return null
}

const writing = new Map<string, Promise<unknown>>()

/**
 * The newest day of a city, written now when none is (a fresh start before the first pass): the
 * first request writes the day once, with the pass's own writer, and every later one reads the
 * files. Requests arriving meanwhile wait for the same write (per process; across instances the
 * rename decides).
 */
export async function ensureOpenData(knex: Knex, dataDir: string, city: string): Promise<{ manifest: Manifest; dir: string }> {
  const found = newestOpenData(dataDir, city)
  if (found) return found
  let w = writing.get(city)
  if (!w) {
    w = writeOpenDataDay(knex, dataDir, city).finally(() => writing.delete(city))
    writing.set(city, w)
  }
  await w
  return newestOpenData(dataDir, city)!
}

export interface OpenDataSummary { written: number; cities: number }

/** The pass: every city whose divisions are loaded gets today's files once. */
export async function runOpenDataPass(knex: Knex, dataDir: string, now = new Date()): Promise<OpenDataSummary> {
  const cities = await knex('admin_division').where({ level: 'city' }).orderBy('city_code').pluck('city_code') as string[]
  let written = 0
  for (const city of cities) if (await writeOpenDataDay(knex, dataDir, city, now)) written++
  return { written, cities: cities.length }
}
