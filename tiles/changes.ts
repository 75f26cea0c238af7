// Keeps the map caches true: the database announces every write of map rows on channel
// gridgov_changes (sql/migrations/0009_change_notifications.sql) with the table and the extent
// it touched; each API instance drops exactly the cached tiles that extent touches.
import type { Logger } from 'pino'
import { invalidateTable } from './service.ts'
import { invalidateBasemap } from '../server/basemap/tiles.ts'

type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>

export async function followChanges(listen: Listen, logger: Logger): Promise<() => Promise<void>> {
  return listen('gridgov_changes', (payload) => {
    try {
      const { table, bbox } = JSON.parse(payload) as { table: string; bbox: [number, number, number, number] }
      const dropped = invalidateTable(table, bbox) + invalidateBasemap(table, bbox)
      if (dropped) logger.debug({ table, bbox, dropped }, 'tiles invalidated')
    } catch (err) {
      logger.warn({ err, payload }, 'unreadable change notification')
    }
  })
}
