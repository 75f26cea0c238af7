// Map styles for a dark command-centre screen, one style function per kind of layer.
// Styles are cached by key: a style function runs for every feature of every frame.
import type { FeatureLike } from 'ol/Feature'
import type { StyleFunction } from 'ol/style/Style'
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style'
import { HEAT_RAMP, HOTSPOT_CLASSES, heatmapStyle, hotspotStyle } from './analysis.ts'

export const BACKGROUND = '#07111f'

/** A feature's identity for selection: grids and divisions have a code, events a number, other points an id. */
export function featureKey(f: FeatureLike): string | undefined {
  const v = f.get('code') ?? f.get('number') ?? f.get('id')
  return v === undefined || v === null ? undefined : String(v)
}

/**
 * Event points by their status light. These three hues belong to the lights alone: nothing else
 * on the map is drawn red, amber or green (components have a palette of their own below).
 */
export const LIGHT_COLOURS: Record<string, string> = { red: '#ff3b3b', yellow: '#ffc53d', green: '#52c41a' }

/** The selected feature of one layer; styles draw it highlighted. */
export interface Selection {
  layer: string | null
  key: string | null
}

const ADMIN_LEVELS: Record<string, { color: string; width: number; dash?: number[] }> = {
  city: { color: '#8fd3ff', width: 3 },
  district: { color: '#5aaef0', width: 2.4 },
  street: { color: '#6f97d8', width: 1.6, dash: [10, 5] },
  community: { color: '#46699c', width: 1, dash: [4, 4] },
}

const INDUSTRY_COLOURS = ['#f4c95d', '#ff8c61', '#c77dff', '#4cc9f0', '#90be6d', '#f15bb5', '#f9844a']

// components (部件) as small squares in a palette of their own: intact a quiet steel blue, damaged
// violet and missing magenta, so they stand out without being read as an event's red or amber light
export const COMPONENT_STATES: Record<string, string> = { 完好: '#7f93ad', 破损: '#a78bfa', 丢失: '#f06bd8' }

/** The swatch colour of a layer in the layer switcher. */
export function layerColour(id: string, industryIndex = 0): string {
  if (id === 'admin_divisions') return ADMIN_LEVELS.district!.color
  if (id === 'base_grids') return '#23c4a8'
  if (id === 'components') return COMPONENT_STATES['完好']!
  if (id === 'addresses') return '#b197fc'
  if (id === 'events') return LIGHT_COLOURS.red!
  if (id === 'roads') return ROAD_COLOURS.street!
  if (id === 'inspectors') return DEVICE_STATUS.online!
  if (id === 'heatmap') return HEAT_RAMP[3]!
  if (id === 'hotspots') return HOTSPOT_CLASSES[0]![1]
  if (id.endsWith('_grids')) return INDUSTRY_COLOURS[industryIndex % INDUSTRY_COLOURS.length]!
  return '#c0c8d4'
}

const HIGHLIGHT = new Stroke({ color: '#ffffff', width: 3 })

// roads as a quiet base map under the grids; main roads a little brighter and wider
const ROAD_COLOURS: Record<string, string> = { trunk: '#b58a4a', main: '#7d7560', street: '#4a5566' }
// inspectors: online green, idle amber, offline grey (the inspectors layer's status)
const DEVICE_STATUS: Record<string, string> = { online: '#3ddc97', idle: '#ffb703', offline: '#8d99ae' }

function roadStyle(): StyleFunction {
  const cache = new Map<string, Style>()
  return (f) => {
    const kind = String(f.get('kind') ?? 'street')
    let s = cache.get(kind)
    if (!s) cache.set(kind, (s = new Style({ stroke: new Stroke({ color: ROAD_COLOURS[kind] ?? ROAD_COLOURS.street!, width: kind === 'street' ? 1.5 : 3 }) })))
    return s
  }
}

function polygonStyle(color: string, width: number, fillAlpha: number, dash?: number[]): Style {
  return new Style({
    stroke: new Stroke({ color, width, ...(dash ? { lineDash: dash } : {}) }),
    // a fill, even a faint one, makes the inside of the polygon clickable
    fill: new Fill({ color: withAlpha(color, fillAlpha) }),
  })
}

const selectedPolygon = new Style({ stroke: HIGHLIGHT, fill: new Fill({ color: 'rgba(255,255,255,0.12)' }), zIndex: 10 })

function adminStyle(selection: Selection): StyleFunction {
  const cache = new Map<string, Style>()
  return (f) => {
    if (selection.layer === 'admin_divisions' && selection.key === featureKey(f)) return selectedPolygon
    const level = String(f.get('level') ?? '')
    let s = cache.get(level)
    if (!s) {
      const l = ADMIN_LEVELS[level] ?? { color: '#7a8699', width: 1 }
      // boundaries only (a city's fill would hide every grid below it); the transparent fill
      // makes a click inside a division find it, so the side panel can name where the click was
      s = new Style({
        stroke: new Stroke({ color: l.color, width: l.width, ...(l.dash ? { lineDash: l.dash } : {}) }),
        fill: new Fill({ color: 'rgba(0,0,0,0)' }),
        zIndex: -Object.keys(ADMIN_LEVELS).indexOf(level),
      })
      cache.set(level, s)
    }
    return s
  }
}

function gridStyle(layer: string, color: string, width: number, fillAlpha: number, selection: Selection, dash?: number[]): StyleFunction {
  const normal = polygonStyle(color, width, fillAlpha, dash)
  return (f) => (selection.layer === layer && selection.key === featureKey(f) ? selectedPolygon : normal)
}

/** Points and clusters: a cluster (point_count > 1) is a translucent disc sized by its count. */
function pointStyle(layer: string, colourOf: (f: FeatureLike) => string, clusterColour: string, radius: number, selection: Selection): StyleFunction {
  const cache = new Map<string, Style>()
  return (f) => {
    const count = Number(f.get('point_count') ?? 1)
    const selected = selection.layer === layer && selection.key === featureKey(f) && count <= 1
    const colour = count > 1 ? clusterColour : colourOf(f)
    // cluster sizes grow with the square root of the count (area ∝ count), in coarse steps to share styles
    const r = count > 1 ? Math.min(28, Math.round(radius + 2 + Math.sqrt(count) * 0.9)) : radius
    const key = `${colour}|${r}|${count > 1 ? count : ''}|${selected}`
    let s = cache.get(key)
    if (!s) {
      s = new Style({
        image: new Circle({
          radius: selected ? r + 2 : r,
          fill: new Fill({ color: count > 1 ? withAlpha(colour, 0.45) : colour }),
          stroke: selected ? HIGHLIGHT : new Stroke({ color: count > 1 ? colour : BACKGROUND, width: count > 1 ? 1.5 : 1 }),
        }),
        ...(count > 1 ? { text: new Text({
          text: count >= 10000 ? `${Math.round(count / 1000)}k` : String(count),
          font: '600 11px system-ui, sans-serif', fill: new Fill({ color: '#ffffff' }),
        }) } : {}),
        zIndex: selected ? 10 : 0,
      })
      cache.set(key, s)
    }
    return s
  }
}

/** Components: squares (events are discs), coloured by state; clusters as the other points. */
function componentStyle(selection: Selection): StyleFunction {
  const clusters = pointStyle('components', () => COMPONENT_STATES['完好']!, COMPONENT_STATES['完好']!, 3.5, selection)
  const cache = new Map<string, Style>()
  return (f, res) => {
    if (Number(f.get('point_count') ?? 1) > 1) return clusters(f, res)
    const selected = selection.layer === 'components' && selection.key === featureKey(f)
    const colour = COMPONENT_STATES[String(f.get('state'))] ?? COMPONENT_STATES['完好']!
    const key = `${colour}|${selected}`
    let s = cache.get(key)
    if (!s) {
      s = new Style({
        image: new RegularShape({ points: 4, radius: selected ? 6 : 4.5, angle: Math.PI / 4,
          fill: new Fill({ color: colour }), stroke: selected ? HIGHLIGHT : new Stroke({ color: BACKGROUND, width: 1 }) }),
        zIndex: selected ? 10 : 0,
      })
      cache.set(key, s)
    }
    return s
  }
}

/**
 * Events stand out among ~1,500 other points: a disc twice a component's size in its light's
 * colour, a white ring and a dark halo that separates it from whatever lies below; red lights
 * biggest and on top. Clusters keep the translucent disc with the count.
 */
function eventStyle(selection: Selection): StyleFunction {
  const clusters = pointStyle('events', () => LIGHT_COLOURS.red!, '#ff6b5b', 6, selection)
  const cache = new Map<string, Style[]>()
  const rank: Record<string, number> = { red: 3, yellow: 2, green: 1 }
  return (f, res) => {
    if (Number(f.get('point_count') ?? 1) > 1) return clusters(f, res)
    const light = String(f.get('light'))
    const selected = selection.layer === 'events' && selection.key === featureKey(f)
    const key = `${light}|${selected}`
    let s = cache.get(key)
    if (!s) {
      const colour = LIGHT_COLOURS[light] ?? '#8d99ae'
      const r = (light === 'red' ? 8 : 7) + (selected ? 3 : 0)
      const z = 20 + (rank[light] ?? 0) + (selected ? 10 : 0)
      s = [
        new Style({ image: new Circle({ radius: r + 3, fill: new Fill({ color: 'rgba(7,17,31,0.75)' }) }), zIndex: z }),
        new Style({ image: new Circle({ radius: r, fill: new Fill({ color: colour }),
          stroke: new Stroke({ color: '#ffffff', width: selected ? 3 : 2 }) }), zIndex: z }),
      ]
      cache.set(key, s)
    }
    return s
  }
}

/** The style function of a catalogue layer (unknown layers get a neutral style by geometry). */
export function styleFor(id: string, selection: Selection, industryIndex = 0): StyleFunction {
  switch (id) {
    case 'admin_divisions': return adminStyle(selection)
    case 'base_grids': return gridStyle(id, '#23c4a8', 0.8, 0.07, selection)
    case 'components': return componentStyle(selection)
    case 'addresses': return pointStyle(id, () => '#b197fc', '#b197fc', 2.5, selection)
    case 'events': return eventStyle(selection)
    case 'roads': return roadStyle()
    case 'heatmap': return heatmapStyle()
    case 'hotspots': return hotspotStyle()
    case 'inspectors': return pointStyle(id, (f) => DEVICE_STATUS[String(f.get('status'))] ?? '#8d99ae', DEVICE_STATUS.online!, 6, selection)
  }
  const colour = layerColour(id, industryIndex)
  if (id.endsWith('_grids')) return gridStyle(id, colour, 1.4, 0.04, selection, [6, 3])
  const polygon = gridStyle(id, colour, 1, 0.05, selection)
  const point = pointStyle(id, () => colour, colour, 3.5, selection)
  return (f, res) => (f.getGeometry()?.getType().endsWith('Point') ? point(f, res) : polygon(f, res))
}

/** '#rrggbb' with an alpha, as rgba(). */
export function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`
}
