// The staff app's outbox seen from a test (test/web/mobile*.test.ts): a copy of its first item
// and the same item put back, to replay what was sent as a lost answer or a second tab would.
// Run in the page as source text: tsx's transform would add helpers the page does not have.
const OPEN_DB = `new Promise((resolve, reject) => { const r = indexedDB.open('gridgov-m'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error) })`

/** The outbox's first item as plain data (its photos as byte arrays). */
export const OUTBOX_COPY = `(async () => {
  const db = await ${OPEN_DB}
  const all = await new Promise((resolve) => { const r = db.transaction('outbox').objectStore('outbox').getAll(); r.onsuccess = () => resolve(r.result) })
  db.close()
  const item = all[0]
  const photos = await Promise.all(item.photos.map(async (p) => ({ bytes: [...new Uint8Array(await p.blob.arrayBuffer())], type: p.blob.type })))
  return { kind: item.kind, item: { ...item, photos: item.photos.map((p) => ({ ...p, blob: null })) }, photos }
})()`

export interface OutboxCopy { kind: string; item: Record<string, unknown>; photos: { bytes: number[]; type: string }[] }

/** Puts a copy made by OUTBOX_COPY back into the outbox; answers how many items it then holds. */
export const outboxPut = (copy: OutboxCopy) => `(async () => {
  const copy = ${JSON.stringify(copy)}
  const db = await ${OPEN_DB}
  const photos = copy.item.photos.map((p, i) => ({ ...p, blob: new Blob([new Uint8Array(copy.photos[i].bytes)], { type: copy.photos[i].type }) }))
  const count = await new Promise((resolve, reject) => {
    const t = db.transaction('outbox', 'readwrite')
    t.objectStore('outbox').put({ ...copy.item, photos })
    const c = t.objectStore('outbox').count()
    t.oncomplete = () => resolve(c.result)
    t.onerror = () => reject(t.error)
  })
  db.close()
  return count
})()`
