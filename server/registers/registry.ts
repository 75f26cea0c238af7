// The registers of the grid (人地事物情组织: residents, houses, special groups, places, units,
// organisations, vehicles, lines, teams, enforcement, party) learn the generic services by
// registration, not by import: each capability describes itself once with defineRegister() when
// its routes are built, and the generic layer (import and export of spreadsheets, the metadata the
// page draws its tables and forms from, a grid's register view) runs whatever is registered.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import type { PersonalKind } from '../privacy/fields.ts'
import type { RowFeed } from './rowFeed.ts'

export type ColumnType = 'string' | 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum'
  | 'idNumber' | 'phone' | 'creditCode' | 'plate' | 'gridCode' | 'communityCode' | 'lon' | 'lat'

export interface RegisterColumn {
  /** The field's name in REST JSON (camelCase), in spreadsheets' second header row and in the page. */
  name: string
  /** Chinese title: a spreadsheet's column header and the page's label. */
  title: string
  type: ColumnType
  /** enum only: value → Chinese title (a spreadsheet may hold either). */
  options?: Readonly<Record<string, string>>
  required?: boolean
  /** A personal field: masked by server/privacy/rule.ts wherever it leaves the server. */
  personal?: PersonalKind
  /** Shown as a column of the page's list (otherwise in the detail only). */
  list?: boolean
  /** Computed by the server (grid, community, counts): not written by import or edit. */
  readOnly?: boolean
  maxLength?: number
}

/** A row the register refuses: `row` is the spreadsheet's row number (the header is row 1). */
export class RegisterRowError extends Error {
  override name = 'RegisterRowError'
  constructor(readonly row: number, readonly field: string, readonly code: string, message: string) {
    super(message)
  }
}

export interface ImportContext {
  principal: Principal
  cityCode: string
  /** rowNumbers[i]: the spreadsheet row of rows[i], for RegisterRowError */
  rowNumbers: readonly number[]
}

export interface RegisterFilter { community?: string | undefined; grid?: string | undefined; q?: string | undefined }

export interface GridRegisterRows {
  total: number
  /** rows not verified (核实) since `staleBefore` */
  stale: number
  /** at most `limit` rows, stale first; personal fields masked as rule.ts decides */
  items: Record<string, unknown>[]
}

export interface RegisterDef {
  /** URL segment and key: 'residents', 'houses', 'special-groups' … */
  name: string
  /** 实有人口 … */
  title: string
  /** Its REST collection when not `/api/v1/<name>` (the party's `/api/v1/party/orgs` …). */
  path?: string
  /** The catalogue layer of a register with a place (tiles, WMS, WFS, OGC API Features). */
  layer?: string
  columns: readonly RegisterColumn[]
  /** Who may read and write it; jurisdiction applies on top (server/registers/access.ts). */
  readRoles: readonly Role[]
  writeRoles: readonly Role[]
  /**
   * One row of an import (keys: column names), after the engine has turned spreadsheet cells into
   * values of the column's type; the same schema as the create body of the register's REST API.
   */
  rowSchema: z.ZodType<Record<string, unknown>>
  /**
   * Writes validated rows inside the caller's transaction, set-based (a statement per batch, never
   * per row): a row with the register's natural key (an ID number, a credit code, a plate …)
   * already present is updated, otherwise inserted. A row the database refuses (a house that does
   * not exist, a place outside the caller's jurisdiction) throws RegisterRowError; the engine then
   * rolls the whole file back.
   */
  importRows(trx: Knex.Transaction, rows: Record<string, unknown>[], ctx: ImportContext): Promise<{ inserted: number; updated: number }>
  /**
   * importRows for a register whose imports are large (residents: a city's 100,000 at once): it
   * writes batches from the feed while the engine still validates the rest of the file. The feed
   * throws FeedStopped when the file turns out to have problems; ctx.rowNumbers grows with it.
   */
  importStream?(trx: Knex.Transaction, feed: RowFeed<Record<string, unknown>>, ctx: ImportContext): Promise<{ inserted: number; updated: number }>
  /**
   * The rows an export holds, in batches (keys: column names), filtered by the caller's
   * jurisdiction, personal fields as rule.ts decides for this caller (full reads noted for audit).
   */
  exportRows(knex: Knex, p: Principal, filter: RegisterFilter): AsyncIterable<Record<string, unknown>[]>
  /** The inspector's and the grid's view (一员多格): the rows in these base grids. */
  inGrids?(knex: Knex, p: Principal, gridCodes: readonly string[], opts: { staleBefore: Date; limit: number }): Promise<GridRegisterRows>
}

const registers = new Map<string, RegisterDef>()

/** Registers a register; defining the same name again replaces it (apps built twice in one process). */
export function defineRegister(def: RegisterDef): void {
  if (!/^[a-z][a-z-]{1,39}$/.test(def.name)) throw new Error(`bad register name ${def.name}`)
  registers.set(def.name, def)
}

/** Removes a register (tests that define one of their own leave the registry as they found it). */
export function forgetRegister(name: string): void {
  registers.delete(name)
}

export function registerNamed(name: string): RegisterDef | undefined {
  return registers.get(name)
}

/** Every register, in the order they were defined. */
export function allRegisters(): RegisterDef[] {
  return [...registers.values()]
}
