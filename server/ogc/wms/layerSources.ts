// Extra WMS layers that are not catalogue (vector) layers: raster base maps and the like. A
// capability registers a source of such layers (server/rasters does at start-up); GetCapabilities
// lists them, GetMap draws them under the vector layers, in LAYERS order, and WMTS (built on the
// WMS render path) serves them too. This module knows no capability: it only holds what they register.
import { createCanvas, ImageData, type Canvas } from '@napi-rs/canvas'
import type { AppContext } from '../../context.ts'
import type { Crs } from '../../geo/crs.ts'

/** What a layer is asked to draw: the request's CRS, its box in x,y (easting/longitude first) and size. */
export interface MapArea {
  crs: Crs
  bbox: [number, number, number, number]
  width: number
  height: number
}

export interface ExtraLayer {
  /** WMS layer name (never one of the catalogue's ids: the catalogue is looked up first). */
  name: string
  title: string
  abstract: string
  /** Extent in CGCS2000 lon/lat: minlon, minlat, maxlon, maxlat. */
  bbox: [number, number, number, number]
  /** Changes whenever the pixels may: part of the image-cache key. */
  version: string
  /** The layer's pixels for the area, RGBA (non-premultiplied), width×height×4; null: nothing there. */
  draw(area: MapArea): Promise<Uint8ClampedArray | null>
}

export interface ExtraLayerSource {
  /** Identifies the source: registering the same id again replaces it (apps built twice in one process). */
  id: string
  layers(app: AppContext): Promise<ExtraLayer[]>
}

const sources = new Map<string, ExtraLayerSource>()

export function registerLayerSource(source: ExtraLayerSource): void {
  sources.set(source.id, source)
}

/** Every registered extra layer of an application, by name. */
export async function extraLayers(app: AppContext): Promise<Map<string, ExtraLayer>> {
  const lists = await Promise.all([...sources.values()].map((s) => s.layers(app)))
  return new Map(lists.flat().map((l) => [l.name, l]))
}

/**
 * Draws the layers onto the canvas in order (first at the bottom), each composited over what is
 * there with its alpha. Drawing is done concurrently, compositing in order.
 */
export async function drawExtraLayers(canvas: Canvas, layers: readonly ExtraLayer[], area: MapArea): Promise<void> {
  if (!layers.length) return
  const pictures = await Promise.all(layers.map((l) => l.draw(area)))
  const ctx = canvas.getContext('2d')
  for (const rgba of pictures) {
    if (!rgba) continue
    const picture = createCanvas(area.width, area.height)
    picture.getContext('2d').putImageData(new ImageData(rgba, area.width, area.height), 0, 0)
    ctx.drawImage(picture, 0, 0)
  }
}

