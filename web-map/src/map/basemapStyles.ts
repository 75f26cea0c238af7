// The base map's two looks: 暗色 for the command screen's wall (dark blue ground, roads in muted
// blues, so the events' lights and the field force stand out) and 浅色 for an office desk (a
// paper map). Styles are made once per theme and kind and reused; only a label's text is set
// per feature (the renderer reads it at once, as OpenLayers' own vector tile examples do).
import type { FeatureLike } from 'ol/Feature'
import type { StyleFunction } from 'ol/style/Style'
import { Fill, Stroke, Style, Text } from 'ol/style'

export type BasemapStyleId = 'dark' | 'light'

interface RoadLook { color: string; width: number; casing?: string }

export interface BasemapTheme {
  id: BasemapStyleId
  title: string
  background: string
  water: string
  waterway: string
  waterText: string
  roads: Record<string, RoadLook>
  roadText: string
  placeText: Record<string, string>
  halo: string
}

export const THEMES: Record<BasemapStyleId, BasemapTheme> = {
  dark: {
    id: 'dark', title: '暗色', background: '#07111f', water: '#0e2f52', waterway: '#174a7a', waterText: '#5b9bd5',
    roads: {
      trunk: { color: '#3d6389', width: 4 }, main: { color: '#2f5278', width: 3 },
      street: { color: '#1f3a58', width: 1.6 }, lane: { color: '#193049', width: 1 }, path: { color: '#162a40', width: 0.8 },
    },
    roadText: '#7f93ad',
    placeText: { street: '#c9d8ea', landmark: '#7fb2e5', community: '#9fb3cb', estate: '#8193a8' },
    halo: 'rgba(7,17,31,0.92)',
  },
  light: {
    id: 'light', title: '浅色', background: '#f2efe9', water: '#aad3df', waterway: '#8cc3d6', waterText: '#3f6f86',
    roads: {
      trunk: { color: '#f9c980', width: 5, casing: '#d9a25a' }, main: { color: '#fde6a8', width: 4, casing: '#d7bd7a' },
      street: { color: '#ffffff', width: 2.4, casing: '#d3cbbd' }, lane: { color: '#ffffff', width: 1.5, casing: '#ddd6ca' },
      path: { color: '#ffffff', width: 1, casing: '#e2dbd0' },
    },
    roadText: '#5a5a5a',
    placeText: { street: '#2b2b2b', landmark: '#2f6b8a', community: '#444444', estate: '#666666' },
    halo: 'rgba(255,255,255,0.92)',
  },
}

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
const PLACE_FONT: Record<string, string> = {
  street: `600 15px ${FONT}`, landmark: `14px ${FONT}`, community: `13px ${FONT}`, estate: `12px ${FONT}`,
}
/** Places the outline layer (map/outline.ts) names already, from the public outline. */
const NAMED_BY_OUTLINE = new Set(['city', 'district'])

/** Label priorities: a place's rank (1 most important) before any road or river name. */
const placeZ = (rank: number) => 100 - rank
const LINE_TEXT_Z = 10

export interface BasemapOptions {
  /** A raster base map is drawn underneath: draw only the names. */
  labelsOnly: boolean
}

/** The style function of the base map layer for one theme. */
export function basemapStyle(theme: BasemapTheme, opts: BasemapOptions): StyleFunction {
  const cache = new Map<string, Style | Style[]>()
  const get = <S extends Style | Style[]>(key: string, make: () => S): S => {
    let s = cache.get(key) as S | undefined
    if (!s) cache.set(key, (s = make()))
    return s
  }
  const lineText = (color: string, size: number) => new Text({
    font: `${size}px ${FONT}`, placement: 'line', fill: new Fill({ color }), stroke: new Stroke({ color: theme.halo, width: 3 }),
  })

  const water = get('water', () => new Style({ fill: new Fill({ color: theme.water }) }))

  function road(f: FeatureLike, resolution: number): Style[] {
    const kind = String(f.get('kind'))
    const look = theme.roads[kind] ?? theme.roads.street!
    const major = kind === 'trunk' || kind === 'main'
    // widths grow a little when close (resolution: metres per pixel)
    const scale = resolution < 2 ? 1.6 : resolution < 5 ? 1.25 : 1
    const styles = get(`road|${kind}|${scale}`, () => [
      ...(look.casing ? [new Style({ stroke: new Stroke({ color: look.casing, width: look.width * scale + 2 }), zIndex: major ? 2 : 0 })] : []),
      new Style({ stroke: new Stroke({ color: look.color, width: look.width * scale }), zIndex: major ? 3 : 1 }),
    ])
    // names along the road: arterials from street scale, the rest when close
    if (resolution > (major ? 12 : 4)) return styles
    const label = get(`road-text|${major}`, () => new Style({ text: lineText(theme.roadText, major ? 13 : 12), zIndex: LINE_TEXT_Z }))
    label.getText()!.setText(String(f.get('name') ?? ''))
    return [...styles, label]
  }

  function waterway(f: FeatureLike, resolution: number): Style[] {
    const kind = String(f.get('kind'))
    const line = get(`waterway|${kind}`, () => new Style({ stroke: new Stroke({ color: theme.waterway, width: kind === 'river' ? 3 : 2 }) }))
    if (resolution > 20 || !f.get('name')) return [line]
    const label = get('waterway-text', () => new Style({ text: lineText(theme.waterText, 13), zIndex: LINE_TEXT_Z + 1 }))
    label.getText()!.setText(String(f.get('name')))
    return [line, label]
  }

  function place(f: FeatureLike): Style | undefined {
    const kind = String(f.get('kind'))
    if (NAMED_BY_OUTLINE.has(kind)) return undefined
    const rank = Number(f.get('rank') ?? 9)
    const s = get(`place|${kind}|${rank}`, () => new Style({
      text: new Text({
        font: PLACE_FONT[kind] ?? PLACE_FONT.estate, fill: new Fill({ color: theme.placeText[kind] ?? theme.placeText.estate }),
        stroke: new Stroke({ color: theme.halo, width: 3 }), padding: [2, 4, 2, 4],
      }),
      zIndex: placeZ(rank),
    }))
    s.getText()!.setText(String(f.get('name') ?? ''))
    return s
  }

  return (f, resolution) => {
    const layer = f.get('layer')
    if (layer === 'places') return place(f)
    if (opts.labelsOnly) return undefined
    if (layer === 'water') return water
    if (layer === 'roads') return road(f, resolution)
    if (layer === 'waterway') return waterway(f, resolution)
    return undefined
  }
}
