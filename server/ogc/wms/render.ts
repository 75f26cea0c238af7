// Drawing with @napi-rs/canvas (Skia, native, no browser): polygons filled with the even-odd rule
// and stroked, lines stroked, points as small circles, coloured by the layer style. Coordinates
// arrive in pixels (the SQL did the projection and simplification), so drawing is a straight walk
// over the decoded TWKB. Encoding runs off the event loop: PNG through sharp (libvips) at a low
// zlib level without adaptive filtering, 2.5 ms and ~45 KB for a 256² map of 480 grids against
// Skia's own encoder's 6-7 ms and ~85 KB (measured with .prof-style timing in the issue 17 note).
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
import sharp from 'sharp'
import type { LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import { decodeTwkb } from './twkb.ts'
import type { MapFeature } from './features.ts'

export type ImageFormat = 'image/png' | 'image/jpeg'
export const IMAGE_FORMATS: ImageFormat[] = ['image/png', 'image/jpeg']

export interface Paint {
  transparent: boolean
  /** CSS colour of the background when not transparent (BGCOLOR). */
  background: string
}

export interface LayerPicture {
  layer: LayerDef
  style: LayerStyle | undefined
  features: MapFeature[]
}

/** Radius of a point symbol, in pixels. */
export const POINT_RADIUS = 4
/**
 * Outline width, in pixels. Skia draws strokes up to one pixel wide on its anti-aliased hairline
 * path; a 1.2 px stroke goes through the general stroker and made rasterising a 256² map of 480
 * grids about 4× slower (the largest part of an uncached GetMap).
 */
export const STROKE_WIDTH = 1
const FALLBACK: [string, string] = ['rgba(128,128,128,0.3)', '#555555']

/** [fill, stroke] for a feature's style value; '*' is the style's default. */
export function colourFor(style: LayerStyle | undefined, value: unknown): [string, string] {
  if (!style) return FALLBACK
  const key = value === null || value === undefined ? '*' : String(value)
  return style.colours[key] ?? style.colours['*'] ?? FALLBACK
}

/** A canvas with the background already painted (JPEG has no alpha: always painted). */
export function blankCanvas(width: number, height: number, format: ImageFormat, paint: Paint): Canvas {
  const canvas = createCanvas(width, height)
  if (!paint.transparent || format === 'image/jpeg') {
    const ctx = canvas.getContext('2d')
    ctx.fillStyle = paint.background
    ctx.fillRect(0, 0, width, height)
  }
  return canvas
}

/**
 * PNG zlib level. 'fast' (a map drawn for one request): 3 compresses maps almost as well as 6 at
 * less time. 'small' (a WMTS tile, drawn once and served many times from the caches): 9, about 10 %
 * fewer bytes for 4-5 ms more, once.
 */
export type Compression = 'fast' | 'small'
const PNG_LEVEL: Record<Compression, number> = { fast: 3, small: 9 }

/**
 * The canvas as an image. `opaque`: every pixel was painted with a solid background, so the
 * premultiplied pixels Skia keeps are already the straight ones PNG wants.
 */
export async function encode(canvas: Canvas, format: ImageFormat, opaque = false, compression: Compression = 'fast'): Promise<Buffer> {
  if (format === 'image/jpeg') return canvas.encode('jpeg', 85)
  const pixels = canvas.data()
  if (!opaque) unpremultiply(pixels)
  return sharp(pixels, { raw: { width: canvas.width, height: canvas.height, channels: 4 } })
    .png({ compressionLevel: PNG_LEVEL[compression], adaptiveFiltering: false }).toBuffer()
}

/** Premultiplied RGBA (Skia's pixels) to straight RGBA (PNG's), in place. */
function unpremultiply(px: Uint8Array): void {
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3]!
    if (a === 255 || a === 0) continue
    px[i] = Math.min(255, Math.round((px[i]! * 255) / a))
    px[i + 1] = Math.min(255, Math.round((px[i + 1]! * 255) / a))
    px[i + 2] = Math.min(255, Math.round((px[i + 2]! * 255) / a))
  }
}

/** Whether a canvas from blankCanvas has a solid background under everything drawn. */
export const isOpaque = (format: ImageFormat, paint: Paint) => format === 'image/jpeg' || !paint.transparent

function tracePath(ctx: SKRSContext2D, rings: Float64Array[], close: boolean): void {
  for (const ring of rings) {
    if (ring.length < 4) continue
    ctx.moveTo(ring[0]!, ring[1]!)
    for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i]!, ring[i + 1]!)
    if (close) ctx.closePath()
  }
}

/**
 * The 2D context's colours, set only when they change: each assignment crosses into native code
 * and parses the CSS colour again (a sixth of the drawing time when set per feature).
 */
class Pen {
  private fill = ''
  private stroke = ''
  constructor(readonly ctx: SKRSContext2D) {}
  use(fill: string, stroke: string): void {
    if (fill !== this.fill) this.ctx.fillStyle = this.fill = fill
    if (stroke !== this.stroke) this.ctx.strokeStyle = this.stroke = stroke
  }
}

function drawFeature(pen: Pen, feature: MapFeature, fill: string, stroke: string): void {
  const ctx = pen.ctx
  const shape = decodeTwkb(feature.g)
  pen.use(fill, stroke)
  if (shape.rings.length) {
    ctx.beginPath()
    tracePath(ctx, shape.rings, true)
    ctx.fill('evenodd')
    ctx.stroke()
  }
  if (shape.lines.length) {
    ctx.beginPath()
    tracePath(ctx, shape.lines, false)
    ctx.stroke()
  }
  for (let i = 0; i < shape.points.length; i += 2) {
    ctx.beginPath()
    ctx.arc(shape.points[i]!, shape.points[i + 1]!, POINT_RADIUS, 0, Math.PI * 2)
    ctx.fill()
    ctx.stroke()
  }
}

/** Draws the layers bottom-up (the first of LAYERS at the bottom, as WMS specifies). */
export function drawLayers(canvas: Canvas, pictures: LayerPicture[]): void {
  const ctx = canvas.getContext('2d')
  ctx.lineJoin = 'round'
  const pen = new Pen(ctx)
  for (const { style, features } of pictures) {
    ctx.lineWidth = STROKE_WIDTH
    for (const f of features) {
      const [fill, stroke] = colourFor(style, f.v)
      drawFeature(pen, f, fill, stroke)
    }
  }
}

export async function renderMap(width: number, height: number, format: ImageFormat, paint: Paint,
  pictures: LayerPicture[], compression: Compression = 'fast'): Promise<Buffer> {
  const canvas = blankCanvas(width, height, format, paint)
  drawLayers(canvas, pictures)
  return encode(canvas, format, isOpaque(format, paint), compression)
}

/** EXCEPTIONS=INIMAGE: the error message drawn into an image of the requested format and size. */
export async function renderErrorImage(width: number, height: number, format: ImageFormat, paint: Paint,
  message: string): Promise<Buffer> {
  const canvas = blankCanvas(width, height, format, paint)
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#b00020'
  ctx.font = '12px sans-serif'
  const words = message.split(/\s+/)
  let line = ''
  let y = 16
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word
    if (ctx.measureText(candidate).width > width - 8 && line) {
      ctx.fillText(line, 4, y)
      line = word
      y += 15
    } else {
      line = candidate
    }
  }
  if (line) ctx.fillText(line, 4, y)
  return encode(canvas, format)
}
