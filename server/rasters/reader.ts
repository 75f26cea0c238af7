// Drawing a stored COG into a map request: geotiff.js reads only the window of the overview that
// matches the request's scale, the window is coloured (imagery as is, a DEM stretched to grey
// between its minimum and maximum, nodata transparent), and each output pixel is resampled
// bilinearly (alpha-weighted, so edges do not darken) at the point it maps to. The mapping from
// output pixels to COG pixels is exact at control points every few pixels and interpolated in
// between, as GDAL's approximate transformer does, so any CRS costs little more than EPSG:3857.
import proj4 from 'proj4'
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff'
import { proj4Definition } from '../geo/crs.ts'
import type { MapArea } from '../ogc/wms/layerSources.ts'

export interface Colouring {
  kind: 'ortho' | 'topo' | 'dem' | 'hillshade'
  min?: number | null | undefined
  max?: number | null | undefined
}

const STEP = 8
const MERCATOR_LAT = 85.0511287798
const R = 6378137
/** A window larger than this many pixels means a degenerate mapping: drawn from a coarser level. */
const MAX_WINDOW = 4096 * 4096

const open = new Map<string, Promise<GeoTIFF>>()
const OPEN_LIMIT = 64

/** The opened COG of a file, kept open for later requests (a few dozen at most). */
function cog(file: string): Promise<GeoTIFF> {
  let t = open.get(file)
  if (!t) {
    if (open.size >= OPEN_LIMIT) closeCog(open.keys().next().value!)
    t = fromFile(file)
    t.catch(() => open.delete(file))
    open.set(file, t)
  }
  return t
}

/** Forgets an opened file (after its raster is deleted). */
export function closeCog(file: string): void {
  const t = open.get(file)
  open.delete(file)
  void t?.then(async (x) => { await x.close() }).catch(() => undefined)
}

const toMercator = new Map<number, (x: number, y: number) => [number, number] | null>()

/** The request CRS (x,y easting-first) → EPSG:3857 metres, or null where Mercator has no point. */
function mercatorOf(srid: number): (x: number, y: number) => [number, number] | null {
  let f = toMercator.get(srid)
  if (f) return f
  const merc = (lon: number, lat: number): [number, number] | null => {
    if (!(Math.abs(lat) <= MERCATOR_LAT) || !Number.isFinite(lon)) return null
    return [R * lon * Math.PI / 180, R * Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360))]
  }
  if (srid === 3857) f = (x, y) => [x, y]
  else if (srid === 4326 || srid === 4490) f = merc
  else {
    const c = proj4(proj4Definition(srid), proj4Definition(4490))
    f = (x, y) => {
      const p = c.forward([x, y])
      return merc(p[0]!, p[1]!)
    }
  }
  toMercator.set(srid, f)
  return f
}

interface Level { image: GeoTIFFImage; factor: number; width: number; height: number }

async function levels(t: GeoTIFF): Promise<Level[]> {
  const n = await t.getImageCount()
  const first = await t.getImage(0)
  const out: Level[] = []
  for (let i = 0; i < n; i++) {
    const image = i === 0 ? first : await t.getImage(i)
    // masks of overviews (NewSubfileType 4/5) are not levels
    const subfile = Number(image.fileDirectory.getValue?.('NewSubfileType') ?? 0)
    if (subfile & 4) continue
    out.push({ image, factor: first.getWidth() / image.getWidth(), width: image.getWidth(), height: image.getHeight() })
  }
  return out
}

/**
 * Output pixel centres mapped to level-0 COG pixel coordinates, as two arrays (u, v);
 * NaN where the point has no Mercator position.
 */
function mapPixels(area: MapArea, origin: [number, number], res: [number, number]): [Float32Array, Float32Array] {
  const { width, height, bbox } = area
  const f = mercatorOf(area.crs.srid!)
  const sx = (bbox[2] - bbox[0]) / width, sy = (bbox[3] - bbox[1]) / height
  const cols = Math.ceil(width / STEP) + 1, rows = Math.ceil(height / STEP) + 1
  const cu = new Float64Array(cols * rows), cv = new Float64Array(cols * rows)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = Math.min(c * STEP, width - 0.5) + 0.5, j = Math.min(r * STEP, height - 0.5) + 0.5
      const m = f(bbox[0] + i * sx, bbox[3] - j * sy)
      cu[r * cols + c] = m ? (m[0] - origin[0]) / res[0] : NaN
      cv[r * cols + c] = m ? (m[1] - origin[1]) / res[1] : NaN
    }
  }
  // single precision: a pixel position inside any COG is exact to well under a pixel, at half the memory
  const u = new Float32Array(width * height), v = new Float32Array(width * height)
  for (let j = 0; j < height; j++) {
    const r0 = Math.min(Math.floor(j / STEP), rows - 2), tj0 = Math.min(r0 * STEP, height - 0.5), tj1 = Math.min((r0 + 1) * STEP, height - 0.5)
    const ty = tj1 > tj0 ? (j - tj0) / (tj1 - tj0) : 0
    for (let i = 0; i < width; i++) {
      const c0 = Math.min(Math.floor(i / STEP), cols - 2), ti0 = Math.min(c0 * STEP, width - 0.5), ti1 = Math.min((c0 + 1) * STEP, width - 0.5)
      const tx = ti1 > ti0 ? (i - ti0) / (ti1 - ti0) : 0
      const k = r0 * cols + c0
      const lerp = (a: Float64Array) => (a[k]! * (1 - tx) + a[k + 1]! * tx) * (1 - ty) + (a[k + cols]! * (1 - tx) + a[k + cols + 1]! * tx) * ty
      u[j * width + i] = lerp(cu)
      v[j * width + i] = lerp(cv)
    }
  }
  return [u, v]
}

/** The window's pixels as RGBA bytes, coloured by kind. */
function colour(data: ArrayLike<number>[], spp: number, alpha: boolean, nodata: number | null, n: number, how: Colouring): Uint8ClampedArray {
  const out = new Uint8ClampedArray(n * 4)
  const bands = alpha ? spp - 1 : spp
  const lo = how.min ?? 0, span = (how.max ?? 255) - lo || 1
  const [b0, b1, b2] = [data[0]!, data[Math.min(1, spp - 1)]!, data[Math.min(2, spp - 1)]!]
  const ba = data[spp - 1]!
  for (let p = 0; p < n; p++) {
    const o = p * 4
    const a = alpha ? ba[p]! : 255
    const first = b0[p]!
    if (a === 0 || (nodata !== null && first === nodata) || Number.isNaN(first)) continue
    if (bands >= 3) {
      out[o] = first; out[o + 1] = b1[p]!; out[o + 2] = b2[p]!
    } else {
      const g = how.kind === 'dem' ? ((first - lo) / span) * 255 : first
      out[o] = g; out[o + 1] = g; out[o + 2] = g
    }
    out[o + 3] = a
  }
  return out
}

/** The pixels of a COG for a map area (RGBA, width×height×4), or null when it has none there. */
export async function drawCog(file: string, how: Colouring, area: MapArea): Promise<Uint8ClampedArray | null> {
  const all = await levels(await cog(file))
  const base = all[0]!.image
  const [ox, oy] = base.getOrigin() as [number, number]
  const [rx, ry] = base.getResolution() as [number, number]
  const [u, v] = mapPixels(area, [ox, oy], [rx, ry])
  let umin = Infinity, umax = -Infinity, vmin = Infinity, vmax = -Infinity
  for (let k = 0; k < u.length; k++) {
    const a = u[k]!, b = v[k]!
    if (Number.isNaN(a) || Number.isNaN(b)) continue
    if (a < umin) umin = a
    if (a > umax) umax = a
    if (b < vmin) vmin = b
    if (b > vmax) vmax = b
  }
  if (!(umax > 0 && vmax > 0 && umin < all[0]!.width && vmin < all[0]!.height)) return null
  // COG pixels per output pixel: the finest level not finer than that (GDAL's choice of overview)
  const scale = Math.max((umax - umin) / area.width, (vmax - vmin) / area.height)
  let level = all[0]!
  for (const l of all) if (l.factor <= scale * 1.0001 && l.factor > level.factor) level = l
  // exactly the pixels bilinear sampling touches: a tile on the COG's own grid reads one block, not its neighbours
  const windowOf = (l: Level) => [
    Math.max(0, Math.floor(umin / l.factor - 0.5 + 1e-6)), Math.max(0, Math.floor(vmin / l.factor - 0.5 + 1e-6)),
    Math.min(l.width, Math.ceil(umax / l.factor - 0.5 - 1e-6) + 1), Math.min(l.height, Math.ceil(vmax / l.factor - 0.5 - 1e-6) + 1),
  ] as [number, number, number, number]
  let [w0, h0, w1, h1] = windowOf(level)
  while ((w1 - w0) * (h1 - h0) > MAX_WINDOW && level !== all[all.length - 1]) {
    level = all[all.indexOf(level) + 1]!
    ;[w0, h0, w1, h1] = windowOf(level)
  }
  if (w1 <= w0 || h1 <= h0 || (w1 - w0) * (h1 - h0) > MAX_WINDOW) return null
  const spp = level.image.getSamplesPerPixel()
  const extra = base.fileDirectory.getValue?.('ExtraSamples') as ArrayLike<number> | undefined
  const alpha = !!extra && extra.length > 0 && (extra[extra.length - 1] === 1 || extra[extra.length - 1] === 2)
  // per-band arrays: geotiff.js interleaves several times slower than it reads
  const data = await level.image.readRasters({ window: [w0, h0, w1, h1] }) as unknown as ArrayLike<number>[]
  const ww = w1 - w0, wh = h1 - h0
  const rgba = colour(data, spp, alpha, base.getGDALNoData(), ww * wh, how)
  return resample(rgba, ww, wh, u, v, w0 * level.factor, h0 * level.factor, level.factor, area)
}

/** Alpha-weighted bilinear sampling of the coloured window at each output pixel's position. */
function resample(src: Uint8ClampedArray, ww: number, wh: number, u: Float32Array, v: Float32Array,
  offU: number, offV: number, factor: number, area: MapArea): Uint8ClampedArray | null {
  const out = new Uint8ClampedArray(area.width * area.height * 4)
  let any = false
  for (let k = 0; k < u.length; k++) {
    const x = (u[k]! - offU) / factor - 0.5, y = (v[k]! - offV) / factor - 0.5
    if (!(x > -1 && y > -1 && x < ww && y < wh)) continue
    const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0
    let r = 0, g = 0, b = 0, a = 0
    for (let dy = 0; dy < 2; dy++) {
      const yy = y0 + dy
      if (yy < 0 || yy >= wh) continue
      const wy = dy ? fy : 1 - fy
      for (let dx = 0; dx < 2; dx++) {
        const xx = x0 + dx
        if (xx < 0 || xx >= ww) continue
        const p = (yy * ww + xx) * 4, w = (dx ? fx : 1 - fx) * wy * src[p + 3]!
        r += src[p]! * w; g += src[p + 1]! * w; b += src[p + 2]! * w; a += w
      }
    }
    if (a <= 0) continue
    const o = k * 4
    out[o] = r / a; out[o + 1] = g / a; out[o + 2] = b / a; out[o + 3] = a
    any = true
  }
  return any ? out : null
}
