// The offline outbox: what the user does without a network (a report, a verification, a
// handling step, each with its photos) is kept in IndexedDB and sent in the order it was done
// when the network returns. Sending is idempotent end to end:
// - a report carries its own Idempotency-Key (made when it was queued), so a replay after a
//   lost answer gets the same event back (server/events/intake.ts), never a second one;
// - a photo is uploaded only if the event does not already hold one with the same SHA-256;
// - a collection form's return carries its ODK instanceID, kept once by the server; its photos
//   follow under their file names (the same bytes again are a replay);
// - a step carries the event version the user saw (expectedVersion); a 409 is first checked
//   against the event's history (our own step, answered but not heard, is done), otherwise it
//   is a conflict the user sees and decides on (the item stays, marked, and stops nobody else's);
// - a proactive task is closed once (a second close is a 409): a 409 is checked against the task,
//   closed by us in the same way is done, otherwise a conflict.
// Progress (the event's number, the photos already sent) is written back after every step, so
// a tab closed midway resumes where it stopped. One sender at a time across tabs (Web Locks).
import { ApiError, call, session } from './api.ts'

export interface Photo { blob: Blob; name: string; stage: 'intake' | 'handling' | 'verify' | 'feedback' | 'other' }

interface Base {
  id?: number
  key: string
  createdAt: string
  /** who queued it: another user signing in on this phone does not send it as theirs */
  username: string
  photos: Photo[]
  state: 'pending' | 'conflict'
  error?: string
  /** progress: the event's number once known, the attachment ids sent (by photo index) */
  number?: string
  sent: (number | null)[]
}
export interface ReportItem extends Base { kind: 'report'; body: Record<string, unknown> }
export interface StepItem extends Base { kind: 'step'; number: string; body: Record<string, unknown> & { action: string; expectedVersion?: number } }
/** A collection form's answers (JSON by question name); its instanceID, made when queued, makes a replay harmless. */
export interface ReturnItem extends Base { kind: 'return'; taskId: number; title: string; body: { instanceId: string; values: Record<string, unknown> } }
/** A proactive task done (with a note and, for a visit, its method and when it was made) or dismissed with a reason. */
export interface ProactiveItem extends Base { kind: 'proactive'; taskId: number; title: string; action: 'done' | 'dismiss'; body: Record<string, unknown> }
export type OutboxItem = ReportItem | StepItem | ReturnItem | ProactiveItem

const DB = 'gridgov-m'
const STORE = 'outbox'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1)
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true })
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

async function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open()
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode)
      const req = run(t.objectStore(STORE))
      t.oncomplete = () => resolve(req.result)
      t.onerror = () => reject(t.error)
    })
  } finally {
    db.close()
  }
}

/** Every queued item, oldest first (the store's key is the order they were done in). */
export const listOutbox = () => tx('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>)
const put = (item: OutboxItem) => tx('readwrite', (s) => s.put(item))
export const removeItem = (id: number) => tx('readwrite', (s) => s.delete(id))

/** An item the user gave up (a conflict): gone, and the header's count follows. */
export async function discard(id: number): Promise<void> {
  await removeItem(id)
  changed()
}

type Fresh<T> = Omit<T, 'id' | 'key' | 'createdAt' | 'username' | 'state' | 'sent'>

export async function enqueue(item: Fresh<ReportItem> | Fresh<StepItem> | Fresh<ReturnItem> | Fresh<ProactiveItem>): Promise<void> {
  const full = { ...item, key: `m-${crypto.randomUUID()}`, createdAt: new Date().toISOString(), username: session()?.user.username ?? '',
    state: 'pending', sent: item.photos.map(() => null) } as OutboxItem
  await put(full)
  changed()
}

const listeners = new Set<() => void>()
export function onOutboxChange(f: () => void): () => void {
  listeners.add(f)
  return () => listeners.delete(f)
}
function changed() {
  for (const f of listeners) f()
}

async function sha256(blob: Blob): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** Uploads the item's photos not yet sent, skipping those the event already holds. */
async function sendPhotos(item: OutboxItem, number: string): Promise<void> {
  if (item.sent.every((s) => s !== null)) return
  const held = await call<{ items: { id: number; sha256: string }[] }>(`/events/${number}/attachments`)
  for (const [i, p] of item.photos.entries()) {
    if (item.sent[i] != null) continue
    const hash = await sha256(p.blob)
    let id = held.items.find((a) => a.sha256 === hash && !item.sent.includes(a.id))?.id
    if (id === undefined) {
      const q = new URLSearchParams({ stage: p.stage, name: p.name })
      id = (await call<{ id: number }>(`/events/${number}/attachments?${q}`, { body: p.blob })).id
    }
    item.sent[i] = id
    await put(item)
  }
}

async function sendReport(item: ReportItem): Promise<void> {
  if (!item.number) {
    const r = await call<{ event: { number: string } }>('/events', { json: item.body, headers: { 'Idempotency-Key': item.key } })
    item.number = r.event.number
    await put(item)
  }
  await sendPhotos(item, item.number)
}

async function sendStep(item: StepItem): Promise<void> {
  await sendPhotos(item, item.number)
  const attachments = item.sent.filter((s): s is number => s !== null)
  try {
    await call(`/events/${item.number}/transitions`, { json: { ...item.body, ...(attachments.length ? { attachments } : {}) } })
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e
    // the step may have been taken by this very item, its answer lost with the network
    const h = await call<{ items: { action: string; at: string; actor: { name: string } }[] }>(`/events/${item.number}/history`)
    const me = session()?.user.displayName
    if (!h.items.some((x) => x.action === item.body.action && x.actor.name === me && x.at >= item.createdAt)) throw e
  }
}

/**
 * The server keeps a return once per instanceID and answers a replay with the stored one (200);
 * then its photos, each under the file name its image answer gives (the same bytes again: 200).
 */
async function sendReturn(item: ReturnItem): Promise<void> {
  await call(`/collection-tasks/${item.taskId}/returns`, { json: item.body })
  for (const [i, p] of item.photos.entries()) {
    if (item.sent[i] != null) continue
    await call(`/collection-tasks/${item.taskId}/returns/${encodeURIComponent(item.body.instanceId)}/media/${encodeURIComponent(p.name)}`, { method: 'PUT', body: p.blob })
    item.sent[i] = i
    await put(item)
  }
}

/** Closes the task; a 409 whose task we closed the same way (our answer lost with the network) counts as done. */
async function sendProactive(item: ProactiveItem): Promise<void> {
  try {
    await call(`/proactive-rules/tasks/${item.taskId}/${item.action}`, { json: item.body })
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e
    // the list is keyset-paged by id descending: the page after id + 1 starts with the task itself
    const r = await call<{ items: { id: number; status: string; closedBy: { userId: number } | null }[] }>(
      `/proactive-rules/tasks?status=all&after=${item.taskId + 1}&limit=1`)
    const t = r.items[0]
    if (t?.id !== item.taskId || t.status !== (item.action === 'done' ? 'done' : 'dismissed') || t.closedBy?.userId !== session()?.user.id) throw e
  }
}

let running: Promise<void> | undefined

/** Sends what is pending, in order; stops at the first item that cannot be sent now (no network, signed out, server down). */
export function flush(): Promise<void> {
  running ??= (async () => {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks
    const body = async () => {
      for (const item of await listOutbox()) {
        if (item.state !== 'pending' || item.username !== session()?.user.username) continue
        try {
          if (item.kind === 'report') await sendReport(item)
          else if (item.kind === 'return') await sendReturn(item)
          else if (item.kind === 'proactive') await sendProactive(item)
          else await sendStep(item)
          await removeItem(item.id!)
        } catch (e) {
          const status = e instanceof ApiError ? e.status : 0
          // offline, signed out, rate limited or the server failing: keep it and the order, try later
          if (status === 0 || status === 401 || status === 429 || status >= 500) break
          item.state = 'conflict'
          item.error = e instanceof Error ? e.message : String(e)
          await put(item)
        } finally {
          changed()
        }
      }
    }
    await (locks ? locks.request('gridgov-m-outbox', body) : body())
  })().finally(() => { running = undefined })
  return running
}

/** A conflict the user chose to try again (e.g. after reading the event's new state). */
export async function retry(item: OutboxItem): Promise<void> {
  item.state = 'pending'
  delete item.error
  if (item.kind === 'step') delete item.body.expectedVersion
  await put(item)
  changed()
  await flush()
}

export async function pendingCount(): Promise<number> {
  return (await listOutbox()).length
}
