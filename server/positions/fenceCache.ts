// The fence index of each city, kept per process and reloaded only when the city's fence
// revision (fence_revision, bumped by a trigger on every fence change) moves: ingest reads the
// revision with its device lock, so a change made through any instance is seen by the next batch.
import type { Knex } from 'knex'
import { loadFenceIndex } from '../fences/repository.ts'
import type { FenceIndex } from '../fences/engine.ts'

interface Entry { revision: number; index: Promise<{ revision: number; index: FenceIndex }> }
const caches = new WeakMap<Knex, Map<string, Entry>>()

/**
 * The index for `cityCode` at `revision` or later. Loaded through `db` (the batch's transaction:
 * the embedded database has one connection, and a query outside it would wait for it forever).
 */
export async function fenceIndexFor(root: Knex, db: Knex | Knex.Transaction, cityCode: string, revision: number): Promise<{ revision: number; index: FenceIndex }> {
  let cities = caches.get(root)
  if (!cities) caches.set(root, (cities = new Map()))
  const cached = cities.get(cityCode)
  if (cached && cached.revision >= revision) return cached.index
  const entry: Entry = { revision, index: loadFenceIndex(db, cityCode) }
  cities.set(cityCode, entry)
  try {
    return await entry.index
  } catch (err) {
    if (cities.get(cityCode) === entry) cities.delete(cityCode)
    throw err
  }
}
