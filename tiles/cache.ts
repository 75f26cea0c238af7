// The tile cache: single-layer tiles in memory, bounded in bytes, least recently used first out.
// Keyed by layer, jurisdiction and z/x/y; multi-layer tiles are concatenations of cached layers
// (an MVT tile is a repeated `layers` field, so concatenated tiles are a valid tile).
// Invalidation is geometric: a changed feature's bbox drops exactly the cached tiles of that
// layer whose buffered extent it touches, at every zoom, for every jurisdiction.
import { rangeContains, tilesTouching, MAX_ZOOM, type BBox, type TileCoord } from './tilemath.ts'
import { SharedAbort } from '../server/db/cancel.ts'

export interface TileKey extends TileCoord {
  layer: string
  /** The jurisdiction's prefixes, joined: tiles differ per jurisdiction. */
  scope: string
}

interface Entry extends TileKey { bytes: Buffer }

interface Invalidation { generation: number; layer: string; bbox: BBox }

export interface CacheStats { entries: number; bytes: number; maxBytes: number; hits: number; misses: number; invalidated: number }

/** How many recent invalidations are remembered to refuse caching a tile rendered before them. */
const LOG_LENGTH = 512
/** Map bookkeeping per entry, so that many tiny (empty) tiles still count against the bound. */
const ENTRY_OVERHEAD = 200

export function tileKeyString(k: TileKey): string {
  return `${k.layer}|${k.scope}|${k.z}/${k.x}/${k.y}`
}

export class TileCache {
  private readonly entries = new Map<string, Entry>()
  /** layer → zoom → keys, so invalidation looks only at the layer's tiles at each zoom. */
  private readonly index = new Map<string, Map<number, Set<string>>>()
  private readonly log: Invalidation[] = []
  private bytes = 0
  private generationNow = 0
  private hits = 0
  private misses = 0
  private invalidatedCount = 0

  /** Renders in progress by key: concurrent requests for one tile share one render. */
  private readonly inFlight = new Map<string, { job: Promise<Buffer>; abort: SharedAbort }>()

  constructor(readonly maxBytes: number) {}

  /**
   * The cached tile, or `render`'s, shared by every request for it meanwhile and stored unless
   * an invalidation touched it while it rendered.
   */
  through(key: TileKey, render: (signal: AbortSignal) => Promise<Buffer>, waiter?: AbortSignal): Promise<Buffer> {
    const cached = this.get(key)
    if (cached) return Promise.resolve(cached)
    const k = tileKeyString(key)
    let pending = this.inFlight.get(k)
    if (!pending) {
      const generation = this.generation
      // the render's query stops only when every request waiting for this tile has left
      const abort = new SharedAbort()
      const job = render(abort.signal)
        .then((bytes) => {
          this.set(key, bytes, generation)
          return bytes
        })
        .finally(() => this.inFlight.delete(k))
      this.inFlight.set(k, (pending = { job, abort }))
    }
    pending.abort.join(waiter)
    return pending.job
  }

  /** A counter that moves on every invalidation; take it before rendering a tile, give it to set(). */
  get generation(): number {
    return this.generationNow
  }

  /** The cached bytes without counting a hit or refreshing their place (a validity check). */
  peek(key: TileKey): Buffer | undefined {
    return this.entries.get(tileKeyString(key))?.bytes
  }

  get(key: TileKey): Buffer | undefined {
    const k = tileKeyString(key)
    const e = this.entries.get(k)
    if (!e) {
      this.misses++
      return undefined
    }
    this.hits++
    this.entries.delete(k) // re-insert: Map order is the LRU order
    this.entries.set(k, e)
    return e.bytes
  }

  /**
   * Stores a tile rendered from a database snapshot taken at `renderedAt` (a generation). When an
   * invalidation touching this tile arrived meanwhile, the tile may be stale and is not stored.
   */
  set(key: TileKey, bytes: Buffer, renderedAt: number): boolean {
    if (this.staleSince(key, renderedAt)) return false
    const size = bytes.length + ENTRY_OVERHEAD
    if (size > this.maxBytes) return false
    const k = tileKeyString(key)
    this.remove(k)
    this.entries.set(k, { ...key, bytes })
    this.bytes += size
    let zooms = this.index.get(key.layer)
    if (!zooms) this.index.set(key.layer, (zooms = new Map()))
    let keys = zooms.get(key.z)
    if (!keys) zooms.set(key.z, (keys = new Set()))
    keys.add(k)
    this.evict()
    return true
  }

  /** Drops the layer's cached tiles (every zoom, every jurisdiction) that the bbox touches. */
  invalidate(layer: string, bbox: BBox): number {
    this.generationNow++
    this.log.push({ generation: this.generationNow, layer, bbox })
    if (this.log.length > LOG_LENGTH) this.log.splice(0, this.log.length - LOG_LENGTH)
    const zooms = this.index.get(layer)
    if (!zooms) return 0
    let dropped = 0
    for (let z = 0; z <= MAX_ZOOM; z++) {
      const keys = zooms.get(z)
      if (!keys?.size) continue
      const range = tilesTouching(bbox, z)
      for (const k of [...keys]) {
        const e = this.entries.get(k)
        if (e && rangeContains(range, e)) {
          this.remove(k)
          dropped++
        }
      }
    }
    this.invalidatedCount += dropped
    return dropped
  }

  /** Drops every tile of a layer (e.g. its definition changed). */
  invalidateLayer(layer: string): void {
    this.invalidate(layer, [-180, -90, 180, 90])
  }

  clear(): void {
    for (const k of [...this.entries.keys()]) this.remove(k)
  }

  stats(): CacheStats {
    return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.maxBytes, hits: this.hits, misses: this.misses, invalidated: this.invalidatedCount }
  }

  has(key: TileKey): boolean {
    return this.entries.has(tileKeyString(key))
  }

  private staleSince(key: TileKey, renderedAt: number): boolean {
    if (renderedAt === this.generationNow) return false
    const oldest = this.log[0]?.generation ?? Infinity
    if (renderedAt < oldest - 1) return true // the log no longer reaches back that far: assume stale
    return this.log.some((inv) => inv.generation > renderedAt && inv.layer === key.layer &&
      rangeContains(tilesTouching(inv.bbox, key.z), key))
  }

  private remove(k: string): void {
    const e = this.entries.get(k)
    if (!e) return
    this.entries.delete(k)
    this.bytes -= e.bytes.length + ENTRY_OVERHEAD
    this.index.get(e.layer)?.get(e.z)?.delete(k)
  }

  private evict(): void {
    for (const k of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break
      this.remove(k)
    }
  }
}
