// The REST calls of the 态势 panel and the Shanghai calendar it asks them with. Areas are the
// admin divisions (12-digit codes, read by the indicators and series APIs as `area`) and, below a
// community, base grids (15 digits): the analytics APIs take no grid, so a grid's numbers come
// from the events list filtered by `gridCode` (counts with count=true, classes and channels from
// the events themselves).
import type { Session } from '../../client/api.ts'
import type { EventItem, Light } from '../../client/eventsApi.ts'

export type Level = 'city' | 'district' | 'street' | 'community' | 'grid'
export const LEVEL_TITLES: Record<Level, string> = { city: '全市', district: '区', street: '街道', community: '社区', grid: '网格' }
/** The unit one level down (the units chart's rows), or null at a grid. */
export const CHILD_LEVEL: Record<Level, Level | null> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: null }

export interface Area { code: string; level: Level; name: string }

export interface Rate { numerator: number; denominator: number; rate: number | null }
export type RateName = 'closeRate' | 'onTimeCloseRate' | 'overdueRate' | 'satisfactionRate' | 'reworkRate' | 'extensionRate' | 'returnRate' | 'selfDiscoveryRate'
export interface Keyed { key: string; name: string | null; total: number }
export interface UnitRow { rank: number; key: string; name: string | null; counts: { total: number } }
export interface Indicators {
  counts: Record<string, number>
  rates: Record<RateName, Rate>
  byClass: Keyed[]; byChannel: Keyed[]; byDemandType: Keyed[]; byStatus: Keyed[]
  units?: UnitRow[]
}
export interface SeriesPeriod { label: string; count: number; yoy: { count: number | null; change: number | null } }

/** The indicators the panel shows, in order, with their Chinese names (the server's RATES). */
export const RATE_TITLES: [RateName, string][] = [
  ['closeRate', '结案率'], ['onTimeCloseRate', '按期结案率'], ['overdueRate', '超期率'], ['satisfactionRate', '满意率'],
  ['reworkRate', '返工率'], ['extensionRate', '延期率'], ['returnRate', '退回率'], ['selfDiscoveryRate', '主动发现率'],
]

/** Chinese names of the event channels (the server's event_channel table). */
export const CHANNEL_TITLES: Record<string, string> = {
  inspector_app: '网格员上报', resident: '居民上报', hotline_12345: '12345热线', sensor_ai: '智能感知',
  police_110: '110联动', superior: '上级交办', third_party: '第三方平台',
}

// ---- Shanghai calendar: the periods are Shanghai days and ISO weeks whatever the browser's zone

const DAY_MS = 86_400_000
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** Today's date in Shanghai as yyyy-mm-dd (UTC+8, no daylight saving). */
export function shanghaiToday(now = Date.now()): string {
  return ymd(now + 8 * 3_600_000)
}

export function addDays(day: string, n: number): string {
  return ymd(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS)
}

/** The ISO week label (2026-W49) of a yyyy-mm-dd day. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  const dow = (d.getUTCDay() + 6) % 7 // Monday 0
  const thursday = new Date(d.getTime() + (3 - dow) * DAY_MS)
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS))
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The Monday of the ISO week holding `day`. */
export function weekStart(day: string): string {
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7
  return addDays(day, -dow)
}

// ---- calls

/** A refused call with the server's problem detail (shown as is, it is already a sentence). */
async function getJson<T>(session: Session, url: string): Promise<T> {
  const res = await session.fetch(url, { headers: { accept: 'application/json' } })
  if (!res.ok) {
    let detail = ''
    try {
      detail = String((await res.json() as { detail?: unknown }).detail ?? '')
    } catch {
      // not JSON
    }
    throw new Error(`服务器返回 ${res.status}${detail ? `：${detail}` : ''}`)
  }
  return await res.json() as T
}

/** The top of the user's jurisdiction (a street officer's street); null when it is several areas or none. */
export async function jurisdictionTop(session: Session): Promise<Area | null> {
  const { items } = await getJson<{ items: { code: string; level: Level; name: string }[] }>(session, '/api/v1/admin-divisions/tree?depth=1')
  const top = items.length === 1 ? items[0]! : null
  return top ? { code: top.code, level: top.level, name: top.name } : null
}

export function indicators(session: Session, period: string, area: Area, unit?: Level | null): Promise<Indicators> {
  const q = new URLSearchParams({ period, area: area.code })
  if (unit && unit !== 'grid') q.set('unit', unit)
  return getJson<Indicators>(session, `/api/v1/analytics/indicators?${q}`)
}

/** Events per Shanghai day from `from` to `to` (exclusive) with 同比. */
export async function series(session: Session, area: Area, from: string, to: string): Promise<SeriesPeriod[]> {
  const q = new URLSearchParams({ interval: 'day', from, to, area: area.code })
  return (await getJson<{ periods: SeriesPeriod[] }>(session, `/api/v1/analytics/series?${q}`)).periods
}

/** The events list's filter naming an area (the city is the whole jurisdiction: no filter). */
export function eventsAreaParam(area: Area): Record<string, string> {
  if (area.level === 'grid') return { gridCode: area.code }
  if (area.level === 'city') return {}
  return { [`${area.level}Code`]: area.code }
}

/** How many events match (count=true, one row fetched). */
export async function countEvents(session: Session, params: Record<string, string>): Promise<number> {
  const q = new URLSearchParams({ ...params, count: 'true', limit: '1' })
  return (await getJson<{ numberMatched: number }>(session, `/api/v1/events?${q}`)).numberMatched
}

/** Open events per light in an area (only dispatched, signed and handling events run a clock). */
export async function lights(session: Session, area: Area): Promise<Record<Light, number>> {
  const where = eventsAreaParam(area)
  const [red, yellow, green] = await Promise.all((['red', 'yellow', 'green'] as const).map((light) => countEvents(session, { ...where, light })))
  return { red: red!, yellow: yellow!, green: green! }
}

/** Events of an area created in [from, to) (Shanghai days), newest first, at most `max`. */
export async function listEvents(session: Session, params: Record<string, string>, max = 2000): Promise<{ items: EventItem[]; more: boolean }> {
  const items: EventItem[] = []
  let cursor: string | null = null
  do {
    const q = new URLSearchParams({ ...params, limit: '500' })
    if (cursor) q.set('cursor', cursor)
    const page: { items: EventItem[]; next: string | null } = await getJson(session, `/api/v1/events?${q}`)
    items.push(...page.items)
    cursor = page.next
  } while (cursor && items.length < max)
  return { items, more: cursor !== null }
}

export async function childDivisions(session: Session, parent: Area): Promise<Area[]> {
  const { items } = await getJson<{ items: Area[] }>(session, `/api/v1/admin-divisions?parent=${parent.code}`)
  return items
}

export interface GridInfo { code: string; name: string }

export async function communityGrids(session: Session, community: string): Promise<GridInfo[]> {
  const q = new URLSearchParams({ community, kind: 'base', limit: '1000' })
  const fc = await getJson<{ features: { properties: { code: string; name: string | null } }[] }>(session, `/api/v1/grids?${q}`)
  return fc.features.map((f) => ({ code: f.properties.code, name: f.properties.name ?? f.properties.code }))
}

/** The boundary of a division or grid as a GeoJSON Feature (EPSG:4490 lon/lat). */
export function areaGeometry(session: Session, area: Area): Promise<{ type: 'Feature'; geometry: unknown }> {
  const path = area.level === 'grid' ? `/api/v1/grids/${area.code}` : `/api/v1/admin-divisions/${area.code}`
  return getJson(session, path)
}

export interface GeocodeChain {
  district?: { code: string; name: string } | null
  street?: { code: string; name: string } | null
  community?: { code: string; name: string } | null
  baseGrid?: { code: string; name: string | null } | null
}

/** Which district, street, community and grid a point lies in. */
export async function geocode(session: Session, lon: number, lat: number): Promise<GeocodeChain> {
  const res = await session.fetch('/api/v1/geocode', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: lon, y: lat, crs: 'EPSG:4326' }),
  })
  if (!res.ok) throw new Error(`服务器返回 ${res.status}`)
  return await res.json() as GeocodeChain
}
