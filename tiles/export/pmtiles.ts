// The PMTiles v3 format, write side (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// Hilbert tile ids, varint-encoded columnar directories, the root/leaf split that keeps the
// header plus root under 16 KiB, and the 127-byte header. Pure functions over buffers; the file
// itself is written by writer.ts. The `pmtiles` npm package is only a reader (and a dev
// dependency), so the tests read our files back with it.
import zlib from 'node:zlib'

/** One directory entry. runLength 0 marks a pointer to a leaf directory. */
export interface Entry {
  tileId: number
  /** Tile data: relative to the tile data section; leaf pointer: relative to the leaf section. */
  offset: number
  length: number
  runLength: number
}

export const HEADER_BYTES = 127
/** Header plus root directory must fit the first 16 KiB a client fetches. */
export const ROOT_BUDGET = 16_384 - HEADER_BYTES

export const Compression = { none: 1, gzip: 2 } as const
export const TileType = { mvt: 1 } as const

/** Tile ids stay below 2^53 up to zoom 26. */
const MAX_ID_ZOOM = 26

/** The number of tiles at all zooms below z: (4^z - 1) / 3. */
function tilesBelow(z: number): number {
  return (4 ** z - 1) / 3
}

/**
 * The Hilbert tile id of z/x/y: tiles of lower zooms first, then the position on zoom z's
 * Hilbert curve. Arithmetic on doubles (not 32-bit bit operations) so it is exact to z26.
 */
export function zxyToTileId(z: number, x: number, y: number): number {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ID_ZOOM) throw new RangeError(`zoom ${z} outside 0..${MAX_ID_ZOOM}`)
  const n = 2 ** z
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n) {
    throw new RangeError(`tile ${z}/${x}/${y} outside its zoom`)
  }
  let d = 0
  let tx = x
  let ty = y
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = Math.floor(tx / s) % 2
    const ry = Math.floor(ty / s) % 2
    d += s * s * ((3 * rx) ^ ry)
    // rotate the quadrant so the curve continues (classic xy2d, on the remaining s×s square)
    if (ry === 0) {
      if (rx === 1) {
        tx = s - 1 - (tx % s)
        ty = s - 1 - (ty % s)
      }
      ;[tx, ty] = [ty, tx]
    }
    tx %= s
    ty %= s
  }
  return tilesBelow(z) + d
}

/** Appends an unsigned LEB128 varint (exact for integers below 2^53). */
export function pushVarint(out: number[], value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`)
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

/**
 * A directory, uncompressed: entry count, then columns of delta tile ids, run lengths,
 * lengths, and offsets (0 when contiguous with the previous entry, else offset + 1).
 */
export function serializeDirectory(entries: readonly Entry[]): Buffer {
  if (!entries.length) throw new Error('a PMTiles directory must not be empty')
  const out: number[] = []
  pushVarint(out, entries.length)
  let lastId = 0
  for (const e of entries) {
    pushVarint(out, e.tileId - lastId)
    lastId = e.tileId
  }
  for (const e of entries) pushVarint(out, e.runLength)
  for (const e of entries) {
    if (e.length <= 0) throw new Error(`entry ${e.tileId}: lengths must be > 0`)
    pushVarint(out, e.length)
  }
  entries.forEach((e, i) => {
    const prev = entries[i - 1]
    pushVarint(out, prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1)
  })
  return Buffer.from(out)
}

const gzip = (b: Buffer) => zlib.gzipSync(b, { level: 9 })

export interface Directories {
  root: Buffer
  /** Leaf directories, concatenated (empty when the root holds every entry). */
  leaves: Buffer
  leafCount: number
}

function rootAndLeaves(entries: readonly Entry[], leafSize: number): Directories {
  const pointers: Entry[] = []
  const leaves: Buffer[] = []
  let offset = 0
  for (let i = 0; i < entries.length; i += leafSize) {
    const leaf = gzip(serializeDirectory(entries.slice(i, i + leafSize)))
    pointers.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 })
    leaves.push(leaf)
    offset += leaf.length
  }
  return { root: gzip(serializeDirectory(pointers)), leaves: Buffer.concat(leaves), leafCount: leaves.length }
}

/**
 * Gzip-compressed directories for sorted entries: everything in the root when it fits the
 * 16 KiB budget, else one level of leaves, grown until the root of leaf pointers fits
 * (the strategy of the reference writers).
 */
export function buildDirectories(entries: readonly Entry[]): Directories {
  const root = gzip(serializeDirectory(entries))
  if (root.length <= ROOT_BUDGET) return { root, leaves: Buffer.alloc(0), leafCount: 0 }
  let leafSize = Math.max(4096, Math.ceil(entries.length / 3500))
  for (;;) {
    const d = rootAndLeaves(entries, leafSize)
    if (d.root.length <= ROOT_BUDGET) return d
    leafSize = Math.ceil(leafSize * 1.2)
  }
}

export interface Header {
  rootOffset: number
  rootLength: number
  metadataOffset: number
  metadataLength: number
  leafOffset: number
  leafLength: number
  tileDataOffset: number
  tileDataLength: number
  addressedTiles: number
  tileEntries: number
  tileContents: number
  clustered: boolean
  internalCompression: number
  tileCompression: number
  tileType: number
  minZoom: number
  maxZoom: number
  /** [minLon, minLat, maxLon, maxLat] in degrees. */
  bounds: [number, number, number, number]
  centerZoom: number
  center: [number, number]
}

/** Degrees → the header's signed 32-bit 1e-7 degree units; bounds round outwards. */
const e7 = (deg: number, round: (v: number) => number) => round(deg * 1e7)

export function serializeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_BYTES)
  b.write('PMTiles', 0, 'ascii')
  b.writeUInt8(3, 7)
  const u64 = [h.rootOffset, h.rootLength, h.metadataOffset, h.metadataLength, h.leafOffset, h.leafLength,
    h.tileDataOffset, h.tileDataLength, h.addressedTiles, h.tileEntries, h.tileContents]
  u64.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 8 + i * 8))
  b.writeUInt8(h.clustered ? 1 : 0, 96)
  b.writeUInt8(h.internalCompression, 97)
  b.writeUInt8(h.tileCompression, 98)
  b.writeUInt8(h.tileType, 99)
  b.writeUInt8(h.minZoom, 100)
  b.writeUInt8(h.maxZoom, 101)
  b.writeInt32LE(e7(h.bounds[0], Math.floor), 102)
  b.writeInt32LE(e7(h.bounds[1], Math.floor), 106)
  b.writeInt32LE(e7(h.bounds[2], Math.ceil), 110)
  b.writeInt32LE(e7(h.bounds[3], Math.ceil), 114)
  b.writeUInt8(h.centerZoom, 118)
  b.writeInt32LE(e7(h.center[0], Math.round), 119)
  b.writeInt32LE(e7(h.center[1], Math.round), 123)
  return b
}
