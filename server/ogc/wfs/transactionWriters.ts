// Which layers WFS-T writes, and how. A writer calls the REST write functions (or their store
// functions) of its capability inside the transaction's database transaction, so a WFS-T edit
// meets the same validation, topology rules, jurisdiction and roles as the REST API. A layer
// without a writer is read-only over WFS.
import type { Knex } from 'knex'
import type { LayerDef } from '../../../tiles/catalogue.ts'
import type { Principal } from '../../auth/users.ts'
import type { Role } from '../../auth/roles.ts'
import type { InsertFeature, Values } from './transactionParse.ts'

/** One target of an Update or Delete: its key, its version when the table has one, and the locator refusals name. */
export interface Target { key: string; locator: string; version?: number | undefined }

export interface LayerWriter {
  /** The roles REST lets write this resource (inside their jurisdiction). */
  roles: readonly Role[]
  /** What REST allows on it (registers are never deleted), as the 1.1.0 capabilities list it. */
  operations: readonly ('Insert' | 'Update' | 'Delete')[]
  /** Writes the features; returns their new keys in order. */
  /**
   * Takes the write locks of the capability on the places of an Update's or Delete's targets
   * before they are read and checked (grids: their community advisory locks), so the check and
   * the write see the same rows without a deadlock against REST writers that lock in that order.
   * Absent: the target rows themselves are locked (FOR UPDATE).
   */
  lockPlaces?(trx: Knex.Transaction, layer: LayerDef, places: string[]): Promise<void>
  insert(trx: Knex.Transaction, principal: Principal, layer: LayerDef, features: InsertFeature[]): Promise<string[]>
  update(trx: Knex.Transaction, principal: Principal, layer: LayerDef, targets: Target[], values: Values): Promise<void>
  delete(trx: Knex.Transaction, principal: Principal, layer: LayerDef, targets: Target[]): Promise<void>
}

const writers: { match: (layer: LayerDef) => boolean; writer: LayerWriter; name: string }[] = []

/** Capabilities register their writers when their routes are built (again: replaced, tests build routes often). */
export function registerWriter(match: (layer: LayerDef) => boolean, writer: LayerWriter, name: string): void {
  const i = writers.findIndex((w) => w.name === name)
  if (i >= 0) writers[i] = { match, writer, name }
  else writers.push({ match, writer, name })
}

export function writerOf(layer: LayerDef): LayerWriter | undefined {
  return writers.find((w) => w.match(layer))?.writer
}

/** Whether this principal may write the layer over WFS-T (role only; places are checked per feature). */
export function mayWrite(layer: LayerDef, principal: Principal): boolean {
  const w = writerOf(layer)
  return principal.kind !== 'anonymous' && w !== undefined && w.roles.includes(principal.role)
}

/** An error and the feature it concerns, for the ExceptionReport's locator. */
export const LOCATOR = Symbol('wfsLocator')

/** Runs one write; a refusal names the target (the handler adds the OGC exception code). */
export async function named<T>(t: Target, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (err instanceof Error && !(LOCATOR in err)) Object.assign(err, { [LOCATOR]: t.locator })
    throw err
  }
}
