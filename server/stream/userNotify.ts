// Per-user stream messages (the inbox's notices): sent with pg_notify in the writer's transaction,
// so a message goes out only when its row commits, and every API instance hears it. Each item
// names its user: the hub hands it only to that user's streams. The payload carries the item's
// head, never its body: a client that wants more reads the inbox.
import type { Knex } from 'knex'

export const USER_CHANNEL = 'gridgov_user'

/** pg_notify refuses payloads of 8,000 bytes or more: batches are cut below that (UTF-8 bytes). */
const MAX_PAYLOAD = 7_500

export interface UserItem {
  userId: number
  /** the stream's resume cursor for this user (sent as the SSE id; Last-Event-ID on reconnect) */
  seq: number
  [key: string]: unknown
}

/** Announces items of one SSE type to their users; many items travel in few notifications. */
export async function notifyUsers(db: Knex | Knex.Transaction, type: string, items: UserItem[]): Promise<void> {
  const head = `{"type":${JSON.stringify(type)},"items":[`
  const payloads: string[] = []
  let batch: string[] = []
  let size = Buffer.byteLength(head) + 2
  for (const item of items) {
    const text = JSON.stringify(item)
    const bytes = Buffer.byteLength(text) + 1
    if (Buffer.byteLength(head) + bytes + 2 > MAX_PAYLOAD) continue // the inbox keeps it: the client reads it on its next refresh
    if (size + bytes > MAX_PAYLOAD) {
      payloads.push(`${head}${batch.join(',')}]}`)
      batch = []
      size = Buffer.byteLength(head) + 2
    }
    batch.push(text)
    size += bytes
  }
  if (batch.length) payloads.push(`${head}${batch.join(',')}]}`)
  if (!payloads.length) return
  await db.raw('SELECT pg_notify(?, p) FROM unnest(?::text[]) AS p', [USER_CHANNEL, payloads])
}
