// Symbols of the live field force: one shape per device kind (phone ●, patrol car ■, drone ▲,
// body camera ◆), coloured by status (online green, idle amber, offline grey: the inspectors
// layer's colours), a white ring when selected. Styles are built once per combination and shared
// by every feature, so a thousand devices cost a dozen style objects.
import { Circle, Fill, RegularShape, Stroke, Style } from 'ol/style'
import type { Device, DeviceStatus } from './fieldTypes.ts'

export const STATUS_COLOURS: Record<DeviceStatus, string> = { online: '#3ddc97', idle: '#ffb703', offline: '#8d99ae' }
export const STATUS_TITLES: Record<DeviceStatus, string> = { online: '在线', idle: '静止', offline: '离线' }
export const KIND_TITLES: Record<string, string> = { phone: '手机', patrol_car: '巡逻车', drone: '无人机', body_camera: '执法记录仪' }
export const KIND_SYMBOLS: Record<string, string> = { phone: '●', patrol_car: '■', drone: '▲', body_camera: '◆' }

const cache = new Map<string, Style>()

function shape(kind: string, fill: Fill, stroke: Stroke, grow: number) {
  switch (kind) {
    case 'patrol_car': return new RegularShape({ points: 4, radius: 8 + grow, angle: Math.PI / 4, fill, stroke })
    case 'drone': return new RegularShape({ points: 3, radius: 8 + grow, fill, stroke })
    case 'body_camera': return new RegularShape({ points: 4, radius: 7 + grow, angle: 0, fill, stroke })
    default: return new Circle({ radius: 6 + grow, fill, stroke })
  }
}

export function deviceStyle(d: Device | undefined, selected: string | null): Style | undefined {
  if (!d) return undefined
  const on = d.identifier === selected
  const key = `${d.kind}|${d.shown}|${on}`
  let s = cache.get(key)
  if (!s) {
    const stroke = new Stroke({ color: on ? '#ffffff' : '#0b1320', width: on ? 3 : 1.5 })
    s = new Style({ image: shape(d.kind, new Fill({ color: STATUS_COLOURS[d.shown] }), stroke, on ? 2 : 0), zIndex: on ? 2 : d.shown === 'offline' ? 0 : 1 })
    cache.set(key, s)
  }
  return s
}

export function trackStyle(d: Device | undefined, selected: string | null): Style | undefined {
  if (!d || d.fixes.length < 2) return undefined
  const on = d.identifier === selected
  const key = `track|${d.shown}|${on}`
  let s = cache.get(key)
  if (!s) {
    // a track is quieter than its device: the same colour, thin and translucent unless selected
    const colour = STATUS_COLOURS[d.shown]
    s = new Style({ stroke: new Stroke({ color: on ? colour : `${colour}80`, width: on ? 3 : 1.5 }) })
    cache.set(key, s)
  }
  return s
}
