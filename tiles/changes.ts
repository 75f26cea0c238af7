// Keeps the map caches true: the database announces every write of map rows on channel
// gridgov_changes (sql/migrations/0009_change_notifications.sql) with the table and the extent
// it touched; each API instance drops exactly the cached pictures that extent touches.
// The caches (vector tiles, base map tiles, WMS/WMTS images) register here; this module knows
// none of them. With a read replica the pictures are drawn from it: a change is handed over
// once the replica has replayed it (afterReplica), else a picture re-rendered at once would be
// cached without it. When the LISTEN connection was lost (a database restart), changes may have
// gone unheard: every cached picture is dropped.
import type { Logger } from 'pino'
import type { Database } from '../server/db/index.ts'

/** [minLon, minLat, maxLon, maxLat] in EPSG:4490. */
export type ChangeBox = [number, number, number, number]

export interface MapCacheListener {
  /** Drops what a write to `table` inside `bbox` makes stale; returns how many entries went. */
  changed(table: string, bbox: ChangeBox): number
  /** Drops everything (changes may have been missed); returns how many entries went. */
  missed(): number
}

const listeners = new Set<MapCacheListener>()

/** Registers a cache to be kept true by the change notifications (once per module). */
export function onMapChanges(listener: MapCacheListener): void {
  listeners.add(listener)
}

/** Hands a change to every registered cache (the listener below; tests call it directly). */
export function announceChange(table: string, bbox: ChangeBox): number {
  let dropped = 0
  for (const l of listeners) dropped += l.changed(table, bbox)
  return dropped
}

export async function followChanges(listen: Database['listen'], logger: Logger): Promise<() => Promise<void>> {
  const dropAll = () => {
    let dropped = 0
    for (const l of listeners) dropped += l.missed()
    logger.info({ dropped }, 'change notifications may have been missed: cached map pictures dropped')
  }
  return listen('gridgov_changes', (payload) => {
    try {
      const { table, bbox } = JSON.parse(payload) as { table: string; bbox: ChangeBox }
      const dropped = announceChange(table, bbox)
      if (dropped) logger.debug({ table, bbox, dropped }, 'map pictures invalidated')
    } catch (err) {
      logger.warn({ err, payload }, 'unreadable change notification')
    }
  }, { afterReplica: true, onReconnect: dropAll })
}
