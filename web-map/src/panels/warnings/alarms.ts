// What the 预警 panel lists, from its three sources in one shape: the server's warnings, fence
// alerts, and events that need the operator now (urgent on arrival, overdue when their clock runs
// out). Pure conversions, so the panel and the tests read the same rules.
import { FENCE_KIND_NAMES, LEVEL_NAMES, WARNING_KIND_NAMES, type FenceAlertItem, type WarningItem } from '../../client/warningsApi.ts'
import type { EventItem } from '../../client/eventsApi.ts'

export type AlarmSource = 'warning' | 'fence' | 'event'

export interface Alarm {
  key: string
  source: AlarmSource
  /** the server id (warning, fence alert) or the event number */
  id: number | string
  kind: string
  kindName: string
  level: number
  title: string
  lon: number
  lat: number
  /** ISO instant it was raised (newest first in the list) */
  at: string
  fresh: boolean
  /** the event to open (event alarms) */
  eventNumber?: string
}

/** Priority 1 is the highest of the intake's 1-4 (default 3): such an event is urgent (紧急). */
export const URGENT_PRIORITY = 1
/** Fence alerts have no level of their own: leaving or missing a post matters more than lingering. */
const FENCE_LEVELS: Record<string, number> = { enter: 2, exit: 2, absent: 2, dwell: 3 }

export const levelName = (level: number) => LEVEL_NAMES[level] ?? '黄色'

export const warningKey = (id: number) => `w:${id}`
export const fenceKey = (id: number) => `f:${id}`
export const eventKey = (number: string, kind: 'urgent' | 'overdue') => `e:${number}:${kind}`

export function fromWarning(w: WarningItem, fresh: boolean): Alarm {
  return {
    key: warningKey(w.id), source: 'warning', id: w.id, kind: w.kind, kindName: w.kindName ?? WARNING_KIND_NAMES[w.kind] ?? w.kind,
    level: [1, 2, 3].includes(w.level) ? w.level : 3, title: w.title, lon: w.lon, lat: w.lat, at: w.raisedAt, fresh,
  }
}

export function fromFenceAlert(a: FenceAlertItem, fresh: boolean): Alarm {
  const who = a.memberName ?? a.deviceName ?? a.device
  const kindName = FENCE_KIND_NAMES[a.kind] ?? a.kind
  return {
    key: fenceKey(a.id), source: 'fence', id: a.id, kind: a.kind, kindName, level: FENCE_LEVELS[a.kind] ?? 3,
    title: `${who}${kindName}：${a.fenceName}`, lon: a.lon, lat: a.lat, at: a.at, fresh,
  }
}

/** The event alarm an event calls for now, if any: urgent from its priority, overdue from its light. */
export function fromEvent(e: EventItem & { priority?: number }, kind: 'urgent' | 'overdue', at: string): Alarm {
  const [lon, lat] = e.location.coordinates
  const klass = e.class.name ?? e.class.code
  return {
    key: eventKey(e.number, kind), source: 'event', id: e.number, kind, kindName: kind === 'urgent' ? '紧急事件' : '事件超时',
    level: kind === 'urgent' ? 1 : 2, title: `${e.number} ${klass}${e.address ? ` · ${e.address}` : ''}`,
    lon, lat, at, fresh: true, eventNumber: e.number,
  }
}

/** Statuses whose clock runs (event_status_light): only there can an event be overdue. */
export const CLOCK_STATUSES = new Set(['dispatched', 'signed', 'handling'])

/** Newest first, then the more urgent level, then the key (a stable order). */
export function byNewest(a: Alarm, b: Alarm): number {
  return Date.parse(b.at) - Date.parse(a.at) || a.level - b.level || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
}
