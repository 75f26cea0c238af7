// A size-bounded LRU of rendered images with a short time to live. A map client (QGIS panning
// back, a big screen refreshing, OpenLayers re-asking after a resize) repeats GetMap requests
// constantly; a hit skips the database and the rasteriser. The TTL bounds how stale a picture
// of changing data (events, positions) may be. Concurrent identical requests share one render.
import crypto from 'node:crypto'
import { SharedAbort } from '../../db/cancel.ts'

export interface CachedImage {
  body: Buffer
  contentType: string
  /** Strong validator: a digest of the bytes, quoted as HTTP wants it. */
  etag: string
}

export interface ImageCacheOptions {
  /** Upper bound of the sum of cached image sizes (default 64 MiB). */
  maxBytes?: number
  /** How long an entry may be served (default 30 s). */
  ttlMs?: number
  /** Images larger than this are never cached (default 4 MiB). */
  maxEntryBytes?: number
}

/** What a cached image shows, so a change to the data drops exactly the pictures it touches. */
export interface ImageScope {
  /** Catalogue layer ids drawn in the image. */
  layers: string[]
  /** The image's extent in CGCS2000 longitude/latitude; absent: any change to a layer drops it. */
  lonLat?: [number, number, number, number]
}

interface Entry { image: CachedImage; until: number; scope?: ImageScope }

export class ImageCache {
  private readonly entries = new Map<string, Entry>()
  private readonly inFlight = new Map<string, { job: Promise<CachedImage>; abort: SharedAbort }>()
  private bytes = 0
  private readonly maxBytes: number
  private readonly ttlMs: number
  private readonly maxEntryBytes: number

  constructor(options: ImageCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.ttlMs = options.ttlMs ?? 30_000
    this.maxEntryBytes = options.maxEntryBytes ?? 4 * 1024 * 1024
  }

  get size(): number {
    return this.entries.size
  }

  /**
   * The cached image for the key, or the one `render` produces, shared by concurrent callers.
   * `waiter` is the caller's client-gone signal: the render's own signal (given to `render` for
   * its queries) fires only when every caller waiting for it has left.
   */
  async getOrRender(key: string, render: (signal: AbortSignal) => Promise<{ body: Buffer; contentType: string }>,
    scope?: ImageScope, waiter?: AbortSignal): Promise<CachedImage> {
    const hit = this.lookup(key)
    if (hit) return hit
    const pending = this.inFlight.get(key)
    if (pending) {
      pending.abort.join(waiter)
      return pending.job
    }
    const abort = new SharedAbort()
    abort.join(waiter)
    const job = render(abort.signal).then(({ body, contentType }) => {
      const image = { body, contentType, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"` }
      this.store(key, image, scope)
      return image
    }).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, { job, abort })
    return job
  }

  /** The live cached image of a key, without refreshing its place (a validity check). */
  peek(key: string): CachedImage | undefined {
    const entry = this.entries.get(key)
    return entry && entry.until >= Date.now() ? entry.image : undefined
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  private lookup(key: string): CachedImage | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    this.entries.delete(key)
    if (entry.until < Date.now()) {
      this.bytes -= entry.image.body.length
      return undefined
    }
    this.entries.set(key, entry) // re-insert: Map order is the recency order
    return entry.image
  }

  /** Drops the images of a layer whose extent meets the changed box; returns how many. */
  invalidate(layer: string, bbox: [number, number, number, number]): number {
    let dropped = 0
    for (const [k, e] of this.entries) {
      const scope = e.scope
      if (scope && !scope.layers.includes(layer)) continue
      const box = scope?.lonLat
      if (box && (box[0] > bbox[2] || box[2] < bbox[0] || box[1] > bbox[3] || box[3] < bbox[1])) continue
      this.entries.delete(k)
      this.bytes -= e.image.body.length
      dropped++
    }
    return dropped
  }

  private store(key: string, image: CachedImage, scope?: ImageScope): void {
    if (image.body.length > this.maxEntryBytes) return
    const old = this.entries.get(key)
    if (old) {
      this.bytes -= old.image.body.length
      this.entries.delete(key)
    }
    this.entries.set(key, { image, until: Date.now() + this.ttlMs, scope })
    this.bytes += image.body.length
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(k)
      this.bytes -= e.image.body.length
    }
  }
}
