// Writes one PMTiles v3 archive: tiles arrive in ascending Hilbert id order and their gzipped
// bytes go straight to a spool file beside the target (memory holds only the directory
// entries and one hash per distinct tile), so an export of 200,000 tiles needs no more memory
// than one of 20. Identical tiles are stored once: a run of consecutive ids with the same
// bytes is one entry (RunLength), a repeat elsewhere points at the first copy's offset. At the
// end the header, directories and metadata are written to a temporary file, the spool is
// appended, and the temporary file is renamed over the target: readers never see half a file.
import fs from 'node:fs/promises'
import path from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import { buildDirectories, Compression, HEADER_BYTES, serializeHeader, TileType, type Entry, type Header } from './pmtiles.ts'

const gzip = promisify(zlib.gzip)
const COPY_CHUNK = 1 << 20

export interface ArchiveInfo {
  minZoom: number
  maxZoom: number
  bounds: [number, number, number, number]
  centerZoom: number
  center: [number, number]
  metadata: Record<string, unknown>
}

export interface ArchiveSummary {
  /** Tiles addressed (sum of run lengths). */
  tiles: number
  /** Directory entries of tiles. */
  entries: number
  /** Distinct tile contents stored. */
  contents: number
  /** Size of the archive file. */
  bytes: number
  leafDirectories: number
}

export class PMTilesWriter {
  private readonly entries: Entry[] = []
  private readonly byHash = new Map<string, { offset: number; length: number }>()
  private lastHash = ''
  private dataLength = 0
  private addressed = 0
  private closed = false

  private constructor(
    readonly target: string,
    private readonly spoolPath: string,
    private readonly spool: fs.FileHandle,
  ) {}

  /** Opens the spool beside the target (same file system, so the final rename is atomic). */
  static async create(target: string): Promise<PMTilesWriter> {
    const spoolPath = tempPath(target, 'tiles')
    const spool = await fs.open(spoolPath, 'wx+')
    return new PMTilesWriter(target, spoolPath, spool)
  }

  /** Adds a non-empty tile; ids must ascend (the archive is clustered). */
  async add(tileId: number, raw: Buffer): Promise<void> {
    if (this.closed) throw new Error('PMTiles writer already closed')
    if (!raw.length) throw new Error(`tile ${tileId} is empty: leave empty tiles out`)
    const last = this.entries.at(-1)
    if (last && tileId < last.tileId + last.runLength) throw new Error(`tile ids must ascend: ${tileId} after ${last.tileId}`)
    const hash = createHash('sha256').update(raw).digest('base64')
    this.addressed++
    if (last && hash === this.lastHash && last.tileId + last.runLength === tileId) {
      last.runLength++
      return
    }
    this.lastHash = hash
    let stored = this.byHash.get(hash)
    if (!stored) {
      const bytes = await gzip(raw)
      await this.spool.write(bytes, 0, bytes.length, this.dataLength)
      stored = { offset: this.dataLength, length: bytes.length }
      this.byHash.set(hash, stored)
      this.dataLength += bytes.length
    }
    this.entries.push({ tileId, offset: stored.offset, length: stored.length, runLength: 1 })
  }

  get tileCount(): number {
    return this.addressed
  }

  /** Writes the archive and renames it over the target. At least one tile is required. */
  async finish(info: ArchiveInfo): Promise<ArchiveSummary> {
    if (!this.entries.length) throw new Error('no tiles to write: a PMTiles archive needs at least one')
    this.closed = true
    const dirs = buildDirectories(this.entries)
    const metadata = await gzip(Buffer.from(JSON.stringify(info.metadata), 'utf8'))
    const metadataOffset = HEADER_BYTES + dirs.root.length
    const leafOffset = metadataOffset + metadata.length
    const tileDataOffset = leafOffset + dirs.leaves.length
    const header: Header = {
      rootOffset: HEADER_BYTES, rootLength: dirs.root.length,
      metadataOffset, metadataLength: metadata.length,
      leafOffset, leafLength: dirs.leaves.length,
      tileDataOffset, tileDataLength: this.dataLength,
      addressedTiles: this.addressed, tileEntries: this.entries.length, tileContents: this.byHash.size,
      clustered: true, internalCompression: Compression.gzip, tileCompression: Compression.gzip, tileType: TileType.mvt,
      minZoom: info.minZoom, maxZoom: info.maxZoom, bounds: info.bounds, centerZoom: info.centerZoom, center: info.center,
    }
    // finish is terminal: on any failure the temporary file and the spool go, the target stays
    const tmp = tempPath(this.target, 'pmtiles')
    try {
      const out = await fs.open(tmp, 'wx')
      try {
        await out.write(Buffer.concat([serializeHeader(header), dirs.root, metadata, dirs.leaves]))
        await this.appendSpool(out)
        await out.sync()
      } finally {
        await out.close()
      }
      await fs.rename(tmp, this.target)
    } catch (err) {
      await fs.rm(tmp, { force: true })
      throw err
    } finally {
      await this.dropSpool()
    }
    return {
      tiles: this.addressed, entries: this.entries.length, contents: this.byHash.size,
      bytes: tileDataOffset + this.dataLength, leafDirectories: dirs.leafCount,
    }
  }

  /** Gives up: removes the spool; the target is untouched. */
  async abort(): Promise<void> {
    this.closed = true
    await this.dropSpool()
  }

  private async appendSpool(out: fs.FileHandle): Promise<void> {
    const buf = Buffer.alloc(COPY_CHUNK)
    for (let pos = 0; pos < this.dataLength;) {
      const { bytesRead } = await this.spool.read(buf, 0, Math.min(COPY_CHUNK, this.dataLength - pos), pos)
      if (!bytesRead) throw new Error('tile spool shorter than written')
      await out.write(buf, 0, bytesRead)
      pos += bytesRead
    }
  }

  private async dropSpool(): Promise<void> {
    await this.spool.close().catch(() => undefined)
    await fs.rm(this.spoolPath, { force: true })
  }
}

/** A hidden temporary name beside the target, unique per attempt. */
function tempPath(target: string, kind: string): string {
  const dir = path.dirname(target)
  return path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.${kind}.tmp`)
}
