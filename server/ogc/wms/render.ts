// Drawing with @napi-rs/canvas (Skia, native, no browser): polygons filled with the even-odd rule
// and stroked, lines stroked, points as small circles, coloured by the layer style. Coordinates
// arrive in pixels (the SQL did the projection and simplification), so drawing is a straight walk
// over the decoded TWKB. Encoding runs off the event loop (canvas.encode is asynchronous).
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas'
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

export async function encode(canvas: Canvas, format: ImageFormat): Promise<Buffer> {
  return format === 'image/jpeg' ? canvas.encode('jpeg', 85) : canvas.encode('png')
}

function tracePath(ctx: SKRSContext2D, rings: Float64Array[], close: boolean): void {
  for (const ring of rings) {
    if (ring.length < 4) continue
    ctx.moveTo(ring[0]!, ring[1]!)
    for (let i = 2; i < ring.length; i += 2) ctx.lineTo(ring[i]!, ring[i + 1]!)
    if (close) ctx.closePath()
  }
}

function drawFeature(ctx: SKRSContext2D, feature: MapFeature, fill: string, stroke: string): void {
  const shape = decodeTwkb(feature.g)
  if (shape.rings.length) {
    ctx.beginPath()
    tracePath(ctx, shape.rings, true)
    ctx.fillStyle = fill
    ctx.fill('evenodd')
    ctx.strokeStyle = stroke
    ctx.stroke()
  }
  if (shape.lines.length) {
    ctx.beginPath()
    tracePath(ctx, shape.lines, false)
    ctx.strokeStyle = stroke
    ctx.stroke()
  }
  for (let i = 0; i < shape.points.length; i += 2) {
    ctx.beginPath()
    ctx.arc(shape.points[i]!, shape.points[i + 1]!, POINT_RADIUS, 0, Math.PI * 2)
    ctx.fillStyle = fill
    ctx.fill()
    ctx.strokeStyle = stroke
    ctx.stroke()
  }
}

/** Draws the layers bottom-up (the first of LAYERS at the bottom, as WMS specifies). */
export function drawLayers(canvas: Canvas, pictures: LayerPicture[]): void {
  const ctx = canvas.getContext('2d')
  ctx.lineJoin = 'round'
  for (const { style, features } of pictures) {
    ctx.lineWidth = 1.2
    for (const f of features) {
      const [fill, stroke] = colourFor(style, f.v)
      drawFeature(ctx, f, fill, stroke)
    }
  }
}

export async function renderMap(width: number, height: number, format: ImageFormat, paint: Paint,
  pictures: LayerPicture[]): Promise<Buffer> {
  const canvas = blankCanvas(width, height, format, paint)
  drawLayers(canvas, pictures)
  return encode(canvas, format)
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
