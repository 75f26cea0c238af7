// Field-force messages for /api/v1/stream (positions, fence alerts, patrol changes). Sent with
// pg_notify in the writer's transaction, so a message goes out only when its change commits and
// every API instance hears it. Each item names the community it belongs to: the hub hands it
// only to clients whose jurisdiction covers that community.
import type { Knex } from 'knex'

export const FIELD_CHANNEL = 'gridgov_field'

/** pg_notify refuses payloads of 8,000 bytes or more: batches are cut below that, counted in UTF-8 bytes (a Chinese character is three). */
const MAX_PAYLOAD = 7_500

export interface FieldItem {
  /** 12-digit community code (jurisdiction) */
  community: string
  [key: string]: unknown
}

/**
 * Announces field items of one SSE type ('position', 'fence_alert', 'patrol', 'attendance' …).
 * Many items travel in few notifications; clients receive one SSE message per item.
 */
export async function notifyField(db: Knex | Knex.Transaction, type: string, items: FieldItem[]): Promise<void> {
  const payloads: string[] = []
  let batch: string[] = []
  let size = 0
  const head = `{"type":${JSON.stringify(type)},"items":[`
  for (const item of items) {
    const text = JSON.stringify(item)
    if (head.length + Buffer.byteLength(text) + 2 > MAX_PAYLOAD) continue // an item this large is a bug; never block the writer
    if (size + Buffer.byteLength(text) + head.length + 2 > MAX_PAYLOAD) {
      payloads.push(`${head}${batch.join(',')}]}`)
      batch = []
      size = 0
    }
    batch.push(text)
    size += Buffer.byteLength(text) + 1
  }
  if (batch.length) payloads.push(`${head}${batch.join(',')}]}`)
  if (!payloads.length) return
  await db.raw('SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p', [FIELD_CHANNEL, payloads])
}
