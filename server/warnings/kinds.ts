// Warning kinds raised by other capabilities (not by the warning pass): a capability registers
// its kind with a Chinese title when its routes are built (registerWarningKind, as registerMessages
// for wordings) and raises warnings through raiseWarnings. Warnings never import the capability:
// the list, the filter and the stream learn the kind from this registry. The table's CHECK on
// warning.kind names each such kind in the capability's migration (dispute_risk: 0043).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { notifyField } from '../stream/notify.ts'
import { streamItem, type StoredRow } from './pass.ts'
import { KINDS, KIND_NAMES } from './rules.ts'

const registered = new Map<string, string>()

/** Registers a kind raised outside the pass, with its Chinese name (idempotent). */
export function registerWarningKind(kind: string, title: string): void {
  if ((KINDS as readonly string[]).includes(kind)) throw new Error(`warning kind ${kind} belongs to the warning pass`)
  if (!/^[a-z][a-z_]{1,39}$/.test(kind)) throw new Error(`not a warning kind: ${kind}`)
  registered.set(kind, title)
}

/** Every kind a warning may have: the pass's and the registered ones. */
export function allWarningKinds(): string[] {
  return [...KINDS, ...registered.keys()]
}

/** The Chinese name of a kind (null for a kind nobody registered). */
export function warningKindName(kind: string): string | null {
  return (KIND_NAMES as Record<string, string>)[kind] ?? registered.get(kind) ?? null
}

/** A warning raised by a capability: rule_version 0 (no tunable rule), no events listed. */
export interface RaisedWarning {
  kind: string
  /** 1 红, 2 橙, 3 黄 */
  level: 1 | 2 | 3
  title: string
  detail: Record<string, unknown>
  /** 12-digit admin code (jurisdiction by prefix) */
  area: string
  lon: number
  lat: number
  /** unique per city and kind: the same warning raised twice is stored once */
  dedupeKey: string
}

/**
 * Stores the warnings in the caller's transaction and announces the stored ones on the stream
 * ('warning', sent on commit). Answers how many were new.
 */
export async function raiseWarnings(trx: Knex | Knex.Transaction, city: string, warnings: RaisedWarning[], now = new Date()): Promise<number> {
  for (const w of warnings) if (!registered.has(w.kind)) throw new Error(`warning kind ${w.kind} is not registered`)
  if (!warnings.length) return 0
  const rows = warnings.map((w) => ({
    kind: w.kind, rule_version: 0, level: w.level, title: w.title, detail: w.detail, area: w.area, lon: w.lon, lat: w.lat,
    event_ids: '{}', dedupe_key: w.dedupeKey, subject: null,
  }))
  const { rows: stored } = await trx.raw(sqlFile('warnings/insert'), { city, now, rows: JSON.stringify(rows) }) as { rows: StoredRow[] }
  await notifyField(trx, 'warning', stored.map((r) => ({ ...streamItem(r), kindName: warningKindName(r.kind) })))
  return stored.length
}
