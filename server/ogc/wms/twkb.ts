// A decoder for Tiny WKB (PostGIS ST_AsTWKB), the compact form the GetMap query ships its
// geometries in: varint, zig-zag, delta-encoded integers scaled by 10^precision. The GetMap query
// has already mapped coordinates to pixels, so the decoded numbers are pixel positions.
// Spec: https://github.com/TWKB/Specification/blob/master/twkb.md

/** One decoded geometry: points as a flat x,y list; lines and polygon rings as flat x,y arrays. */
export interface Shape {
  points: number[]
  /** Polygon rings (outer and holes, every part): fill with the even-odd rule. */
  rings: Float64Array[]
  lines: Float64Array[]
}

const POINT = 1, LINESTRING = 2, POLYGON = 3, MULTIPOINT = 4, MULTIPOLYGON = 6, COLLECTION = 7

class Reader {
  pos = 0
  constructor(readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('truncated TWKB')
    return this.buf[this.pos++]!
  }

  /** Unsigned LEB128; arithmetic rather than bit operations so values above 2^31 survive. */
  varint(): number {
    let result = 0
    let scale = 1
    for (;;) {
      const b = this.byte()
      result += (b & 0x7f) * scale
      if (b < 0x80) return result
      scale *= 128
      if (scale > 2 ** 63) throw new Error('TWKB varint too long')
    }
  }

  zigzag(): number {
    const n = this.varint()
    return n % 2 === 1 ? -(n + 1) / 2 : n / 2
  }
}

interface Header { type: number; scale: number; dims: number; empty: boolean; idList: boolean }

function readHeader(r: Reader): Header {
  const typePrecision = r.byte()
  const meta = r.byte()
  const type = typePrecision & 0x0f
  const precision = zigzag4(typePrecision >> 4)
  let dims = 2
  if (meta & 0x08) {
    const ext = r.byte()
    dims += (ext & 0x01) + ((ext >> 1) & 0x01)
  }
  if (meta & 0x02) r.varint() // size of the rest: not needed for sequential reading
  if (meta & 0x01 && !(meta & 0x10)) for (let i = 0; i < dims * 2; i++) r.zigzag() // bounding box
  return { type, scale: 10 ** -precision, dims, empty: (meta & 0x10) !== 0, idList: (meta & 0x04) !== 0 }
}

const zigzag4 = (n: number) => ((n & 1) ? -((n + 1) >> 1) : n >> 1)

/** Reads `count` delta-encoded points, continuing from (and updating) the running position. */
function readCoords(r: Reader, h: Header, count: number, last: number[]): Float64Array {
  const out = new Float64Array(count * 2)
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < h.dims; d++) last[d] = last[d]! + r.zigzag()
    out[i * 2] = last[0]! * h.scale
    out[i * 2 + 1] = last[1]! * h.scale
  }
  return out
}

function readBody(r: Reader, h: Header, shape: Shape): void {
  if (h.empty) return
  const last = new Array<number>(h.dims).fill(0)
  const single = (type: number) => {
    if (type === POINT) shape.points.push(...readCoords(r, h, 1, last))
    else if (type === LINESTRING) shape.lines.push(readCoords(r, h, r.varint(), last))
    else for (let rings = r.varint(); rings > 0; rings--) shape.rings.push(readCoords(r, h, r.varint(), last))
  }
  if (h.type >= POINT && h.type <= POLYGON) return single(h.type)
  const parts = r.varint()
  if (h.idList) for (let i = 0; i < parts; i++) r.zigzag()
  if (h.type === COLLECTION) {
    for (let i = 0; i < parts; i++) readBody(r, readHeader(r), shape)
    return
  }
  if (h.type < MULTIPOINT || h.type > MULTIPOLYGON) throw new Error(`unknown TWKB type ${h.type}`)
  // MultiPoint, MultiLineString, MultiPolygon: parts are bodies of the single type (type - 3)
  for (let i = 0; i < parts; i++) single(h.type - 3)
}

/** Decodes one TWKB geometry. */
export function decodeTwkb(buf: Uint8Array): Shape {
  const shape: Shape = { points: [], rings: [], lines: [] }
  const r = new Reader(buf)
  readBody(r, readHeader(r), shape)
  return shape
}
