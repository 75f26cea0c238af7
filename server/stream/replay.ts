// What a reconnecting stream missed: per-user stores (the inbox) register a replay here, so the
// stream learns of them by registration and never imports them. The SSE id of every message is
// the user's cursor (the last per-user item's seq); a browser's EventSource sends it back as
// Last-Event-ID when it reconnects, and the stream answers the items after it before going live.
import type { Knex } from 'knex'
import type { StreamMessage } from './hub.ts'

/** Items of one user after a cursor, oldest first; each message's data carries its `seq`. */
export type Replay = (knex: Knex, userId: number, after: number) => Promise<StreamMessage[]>

const replays: Replay[] = []

export function registerStreamReplay(replay: Replay): void {
  if (!replays.includes(replay)) replays.push(replay)
}

export async function replayFor(knex: Knex, userId: number, after: number): Promise<StreamMessage[]> {
  const out: StreamMessage[] = []
  for (const r of replays) out.push(...await r(knex, userId, after))
  return out.sort((a, b) => seqOf(a) - seqOf(b))
}

/** The cursor a message advances to (0: not a per-user item). */
export function seqOf(m: StreamMessage): number {
  const seq = m.data.seq
  return typeof seq === 'number' && Number.isSafeInteger(seq) && typeof m.data.userId === 'number' ? seq : 0
}

/** A Last-Event-ID header as a cursor (absent or unreadable: null, nothing is replayed). */
export function cursorOf(header: string | undefined): number | null {
  if (!header || !/^[0-9]{1,15}$/.test(header.trim())) return null
  return Number(header.trim())
}
