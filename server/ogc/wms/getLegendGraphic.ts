// GetLegendGraphic (SLD-WMS extension): one row per style rule, a symbol drawn with the same
// colours and symbol shapes as GetMap, and the rule's label. The capabilities' LegendURL
// advertises the size this module computes, so the two always agree.
import type { Context } from 'koa'
import { createCanvas } from '@napi-rs/canvas'
import type { AppContext } from '../../context.ts'
import type { LayerDef, LayerStyle } from '../../../tiles/catalogue.ts'
import { clip, invalid, wmsError, type Kvp } from './kvp.ts'
import { resolveStyle } from './mapRequest.ts'
import { parseImageFormat } from './getMap.ts'
import { blankCanvas, colourFor, encode, POINT_RADIUS, STROKE_WIDTH, type ImageFormat } from './render.ts'
import { layersOf } from '../common/access.ts'

export interface LegendEntry { label: string; fill: string; stroke: string }

const FONT = '12px sans-serif'
const PAD = 4
const GAP = 6
export const SYMBOL_SIZE = 20

/** The rules of a style: one per coloured value ('*' last, labelled 其他), or one for the layer. */
export function legendEntries(layer: LayerDef, style: LayerStyle | undefined): LegendEntry[] {
  if (!style?.by) {
    const [fill, stroke] = colourFor(style, null)
    return [{ label: style?.title ?? layer.title, fill, stroke }]
  }
  const values = Object.keys(style.colours).filter((v) => v !== '*')
  const rows = values.map((v) => ({ label: v, fill: style.colours[v]![0], stroke: style.colours[v]![1] }))
  if (style.colours['*']) rows.push({ label: '其他', fill: style.colours['*'][0], stroke: style.colours['*'][1] })
  return rows
}

const measurer = createCanvas(1, 1).getContext('2d')

export function legendSize(entries: LegendEntry[], symbolW = SYMBOL_SIZE, symbolH = SYMBOL_SIZE): { width: number; height: number } {
  measurer.font = FONT
  const text = Math.max(0, ...entries.map((e) => measurer.measureText(e.label).width))
  return {
    width: Math.ceil(PAD + symbolW + GAP + text + PAD),
    height: PAD + entries.length * (symbolH + PAD),
  }
}

export async function renderLegend(layer: LayerDef, entries: LegendEntry[], format: ImageFormat,
  symbolW = SYMBOL_SIZE, symbolH = SYMBOL_SIZE): Promise<Buffer> {
  const { width, height } = legendSize(entries, symbolW, symbolH)
  const canvas = blankCanvas(width, height, format, { transparent: true, background: '#ffffff' })
  const ctx = canvas.getContext('2d')
  ctx.font = FONT
  ctx.textBaseline = 'middle'
  ctx.lineWidth = STROKE_WIDTH
  entries.forEach((e, i) => {
    const top = PAD + i * (symbolH + PAD)
    ctx.beginPath()
    if (layer.geometryType === 'MultiLineString') {
      // a line layer's symbol is a stroke across the box, never a filled shape
      ctx.moveTo(PAD + 1.5, top + symbolH * 0.7)
      ctx.lineTo(PAD + symbolW / 2, top + symbolH * 0.3)
      ctx.lineTo(PAD + symbolW - 1.5, top + symbolH * 0.7)
      ctx.strokeStyle = e.stroke
      ctx.lineWidth = 2
      ctx.stroke()
      ctx.lineWidth = STROKE_WIDTH
    } else {
      if (layer.geometryType === 'Point') {
        ctx.arc(PAD + symbolW / 2, top + symbolH / 2, Math.min(POINT_RADIUS * 1.5, symbolW / 2, symbolH / 2), 0, Math.PI * 2)
      } else {
        ctx.rect(PAD + 1.5, top + 1.5, symbolW - 3, symbolH - 3)
      }
      ctx.fillStyle = e.fill
      ctx.fill()
      ctx.strokeStyle = e.stroke
      ctx.stroke()
    }
    ctx.fillStyle = '#222222'
    ctx.fillText(e.label, PAD + symbolW + GAP, top + symbolH / 2)
  })
  return encode(canvas, format)
}

export async function handleGetLegendGraphic(app: AppContext, ctx: Context, kvp: Kvp): Promise<void> {
  const name = kvp.required('layer')
  const layer = layersOf(ctx, app.catalogue).get(name)
  if (!layer) throw wmsError('LayerNotDefined', 'layer', `layer "${clip(name)}" is not defined`)
  let style: LayerStyle | undefined
  try {
    style = resolveStyle(layer, kvp.get('style') ?? '')
  } catch (err) {
    throw wmsError('StyleNotDefined', 'style', (err as Error).message)
  }
  const format = kvp.get('format') ? parseImageFormat(kvp) : 'image/png'
  const symbolW = kvp.integer('width', 4, 256, SYMBOL_SIZE)
  const symbolH = kvp.integer('height', 4, 256, SYMBOL_SIZE)
  let entries = legendEntries(layer, style)
  const rule = kvp.get('rule')
  if (rule) {
    entries = entries.filter((e) => e.label === rule)
    if (!entries.length) throw invalid('rule', `style ${style?.name ?? ''} of ${layer.id} has no rule "${clip(rule)}"`)
  }
  ctx.type = format
  // the legend of a layer not everyone may see is not kept by shared caches
  ctx.set('Cache-Control', layer.readRoles ? 'private, max-age=3600' : 'public, max-age=3600')
  ctx.body = await renderLegend(layer, entries, format, symbolW, symbolH)
}
