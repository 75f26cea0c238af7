// A size-bounded LRU of rendered images with a short time to live. A map client (QGIS panning
// back, a big screen refreshing, OpenLayers re-asking after a resize) repeats GetMap requests
// constantly; a hit skips the database and the rasteriser. The TTL bounds how stale a picture
// of changing data (events, positions) may be. Concurrent identical requests share one render.
import crypto from 'node:crypto'

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

interface Entry { image: CachedImage; until: number }

export class ImageCache {
  private readonly entries = new Map<string, Entry>()
  private readonly inFlight = new Map<string, Promise<CachedImage>>()
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

  /** The cached image for the key, or the one `render` produces (shared by concurrent callers). */
  async getOrRender(key: string, render: () => Promise<{ body: Buffer; contentType: string }>): Promise<CachedImage> {
    const hit = this.lookup(key)
    if (hit) return hit
    const pending = this.inFlight.get(key)
    if (pending) return pending
    const job = render().then(({ body, contentType }) => {
      const image = { body, contentType, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"` }
      this.store(key, image)
      return image
    }).finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, job)
    return job
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

  private store(key: string, image: CachedImage): void {
    if (image.body.length > this.maxEntryBytes) return
    const old = this.entries.get(key)
    if (old) {
      this.bytes -= old.image.body.length
      this.entries.delete(key)
    }
    this.entries.set(key, { image, until: Date.now() + this.ttlMs })
    this.bytes += image.body.length
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(k)
      this.bytes -= e.image.body.length
    }
  }
}
