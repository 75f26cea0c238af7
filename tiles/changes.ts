// Keeps the map caches true: the database announces every write of map rows on channel
// gridgov_changes (sql/migrations/0009_change_notifications.sql) with the table and the extent
// it touched; each API instance drops exactly the cached tiles that extent touches.
// With a read replica the tiles are drawn from it: a change is handed over once the replica has
// replayed it (afterReplica), else a tile re-rendered at once would be cached without it. When
// the LISTEN connection was lost (a database restart), changes may have gone unheard: every
// cached tile is dropped.
import type { Logger } from 'pino'
import { invalidateAll, invalidateTable } from './service.ts'
import { BASEMAP_TABLES, invalidateBasemap } from '../server/basemap/tiles.ts'
import type { Database } from '../server/db/index.ts'

const WORLD: [number, number, number, number] = [-180, -90, 180, 90]

export async function followChanges(listen: Database['listen'], logger: Logger): Promise<() => Promise<void>> {
  const dropAll = () => {
    let dropped = invalidateAll()
    for (const t of BASEMAP_TABLES) dropped += invalidateBasemap(t, WORLD)
    logger.info({ dropped }, 'change notifications may have been missed: cached tiles dropped')
  }
  return listen('gridgov_changes', (payload) => {
    try {
      const { table, bbox } = JSON.parse(payload) as { table: string; bbox: [number, number, number, number] }
      const dropped = invalidateTable(table, bbox) + invalidateBasemap(table, bbox)
      if (dropped) logger.debug({ table, bbox, dropped }, 'tiles invalidated')
    } catch (err) {
      logger.warn({ err, payload }, 'unreadable change notification')
    }
  }, { afterReplica: true, onReconnect: dropAll })
}
