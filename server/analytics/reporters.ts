// GET /api/v1/analytics/reporters: who files demands (Jinan 8.3.1 h), by age band, gender,
// channel and time of day, in aggregate only. A cell of fewer than THRESHOLD distinct reporters
// shows neither its reporters nor its demands (primary suppression), and so that no hidden cell
// comes back as a difference from published totals (the grand total here; a row or column of a
// two-way table is the published cell of the matching one-way table), every such margin that
// hides anything hides at least two non-empty cells carrying THRESHOLD or more reporters between
// them: the smallest visible non-empty cells are hidden as well until it does (secondary
// suppression), repeated until every margin holds. Empty cells show 0: no person to protect.
import type { Knex } from 'knex'
import { z } from 'zod'
import { notFound } from '../http/errors.ts'
import { instantSchema } from '../http/dates.ts'
import { sqlFile } from '../db/sql.ts'
import { adminPrefix, type Jurisdiction } from '../db/jurisdiction.ts'
import { badParam, yearsLater, MAX_YEARS } from './filters.ts'

export const THRESHOLD = 5
export const DIMENSIONS = {
  ageBand: ['under18', '18-29', '30-44', '45-59', '60-74', '75plus', 'unknown'],
  gender: ['female', 'male', 'unknown'],
  channel: [] as string[], // the configured channels, read at request time
  timeOfDay: ['night', 'morning', 'afternoon', 'evening'],
} satisfies Record<string, string[]>
export type Dimension = keyof typeof DIMENSIONS
const NAMES = Object.keys(DIMENSIONS) as [Dimension, ...Dimension[]]
const DEFAULT_DAYS = 365

const instant = instantSchema()
export const reportersQuery = z.object({
  by: z.string().max(100).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(NAMES, { message: `each must be one of ${NAMES.join(', ')}` })).min(1).max(2, 'at most two dimensions')
      .refine((a) => new Set(a).size === a.length, 'a dimension given twice'))
    .default(['ageBand'])
    .describe('one dimension or two (comma-separated) of ageBand, gender, channel, timeOfDay'),
  from: instant.optional().describe(`first instant (default: ${DEFAULT_DAYS} days before to)`),
  to: instant.optional().describe('end instant, exclusive (default: now)'),
  area: z.string().regex(/^[0-9]{12}$/, 'must be a 12-digit admin code').optional()
    .describe('a district, street or community inside the caller\'s jurisdiction; outside it: 404'),
}).strict()
export type ReportersQuery = z.output<typeof reportersQuery>

export type Suppression = 'primary' | 'secondary' | null
export interface Cell { key: Record<string, string>; people: number | null; demands: number | null; suppressed: Suppression }
interface RawCell { key: string[]; people: number; demands: number; suppressed: Suppression }

/**
 * Applies primary and secondary suppression in place. `margins` lists the cell indices of each
 * published (or derivable) total.
 */
export function suppress(cells: RawCell[], margins: number[][], threshold = THRESHOLD): void {
  for (const c of cells) if (c.people > 0 && c.people < threshold) c.suppressed = 'primary'
  for (let changed = true; changed;) {
    changed = false
    for (const m of margins) {
      const hidden = m.filter((i) => cells[i]!.suppressed !== null)
      if (!hidden.length) continue
      const hiddenPeople = hidden.reduce((a, i) => a + cells[i]!.people, 0)
      if (hidden.length >= 2 && hiddenPeople >= threshold) continue
      const next = m.filter((i) => cells[i]!.suppressed === null && cells[i]!.people > 0)
        .sort((a, b) => cells[a]!.people - cells[b]!.people || a - b)[0]
      if (next === undefined) continue // everything non-empty is hidden already
      cells[next]!.suppressed = 'secondary'
      changed = true
    }
  }
}

export interface ReportersAnswer {
  by: Dimension[]; from: string; to: string; area: string | null; threshold: number
  total: { people: number | null; demands: number | null }
  anonymousDemands: number
  cells: Cell[]
}

export async function reporters(knex: Knex, scope: Jurisdiction, q: ReportersQuery, now = new Date()): Promise<ReportersAnswer> {
  const to = q.to ?? now
  const from = q.from ?? new Date(to.getTime() - DEFAULT_DAYS * 86_400_000)
  if (from >= to) throw badParam(q.to ? 'to' : 'from', 'must be later than from')
  if (to > yearsLater(from, MAX_YEARS)) throw badParam('to', `the range must not exceed ${MAX_YEARS} years`)
  if (q.area !== undefined) {
    const row = scope.covers(q.area) ? await knex('admin_division').where({ code: q.area }).first('level') as { level: string } | undefined : undefined
    if (!row || row.level === 'city') throw notFound(`no area ${q.area} in your jurisdiction (a district, street or community)`)
  }
  const [first, second] = q.by as [Dimension, Dimension | undefined]
  const { rows } = await knex.raw(sqlFile('analytics/reporters'), {
    from, to, patterns: scope.patterns, area: q.area === undefined ? null : `${adminPrefix(q.area)}%`, first, second: second ?? null,
  }) as { rows: { a: string | null; b: string | null; total_row: number; people: number; demands: number; anonymous: number }[] }
  const values = async (d: Dimension) => d === 'channel'
    ? (await knex('event_channel').orderBy('code').select('code') as { code: string }[]).map((r) => r.code)
    : DIMENSIONS[d]
  const firstValues = await values(first)
  const secondValues = second === undefined ? [''] : await values(second)
  const found = new Map(rows.filter((r) => r.total_row === 0).map((r) => [`${r.a}\u0000${r.b ?? ''}`, r]))
  const cells: RawCell[] = []
  for (const a of firstValues) {
    for (const b of secondValues) {
      const r = found.get(`${a}\u0000${b}`)
      cells.push({ key: second === undefined ? [a] : [a, b], people: r?.people ?? 0, demands: r?.demands ?? 0, suppressed: null })
    }
  }
  const totalRow = rows.find((r) => r.total_row !== 0)
  const total = { people: totalRow?.people ?? 0, demands: totalRow?.demands ?? 0 }
  const all = cells.map((_, i) => i)
  const margins = [all]
  if (second !== undefined) {
    const w = secondValues.length
    firstValues.forEach((_, i) => margins.push(all.slice(i * w, (i + 1) * w)))
    secondValues.forEach((_, j) => margins.push(all.filter((i) => i % w === j)))
  }
  suppress(cells, margins)
  const small = total.people > 0 && total.people < THRESHOLD
  return {
    by: q.by as Dimension[], from: from.toISOString(), to: to.toISOString(), area: q.area ?? null, threshold: THRESHOLD,
    // a total of fewer than THRESHOLD reporters is itself a small cell: everything is hidden
    total: small ? { people: null, demands: null } : total,
    anonymousDemands: rows[0]?.anonymous ?? 0,
    cells: cells.map((c) => {
      const hidden = small ? (c.suppressed ?? (c.people > 0 ? 'primary' : null)) : c.suppressed
      const key = Object.fromEntries(c.key.map((v, i) => [q.by[i]!, v]))
      return hidden === null ? { key, people: c.people, demands: c.demands, suppressed: null } : { key, people: null, demands: null, suppressed: hidden }
    }),
  }
}
