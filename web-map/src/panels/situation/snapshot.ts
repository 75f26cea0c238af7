// What the 态势 panel shows for one area and period, gathered from the server in one go: the
// counts of today and this week, the open events per light, the indicators, the trend of the
// last 30 days and the rows of the charts. Divisions read the indicators and series APIs (the
// same numbers as the reports); a grid, which those APIs do not take, reads the events list
// filtered by gridCode, and its community's grids are ranked by counting the community's events.
import type { Session } from '../../client/api.ts'
import type { EventItem, Light } from '../../client/eventsApi.ts'
import * as api from './situationApi.ts'
import type { Area, Indicators, Rate, RateName, SeriesPeriod } from './situationApi.ts'
import type { BarRow } from './charts.ts'

export type PeriodKind = 'today' | 'week'
export const TREND_DAYS = 30

export interface Snapshot {
  area: Area
  period: PeriodKind
  /** the period labels asked for (2026-12-03, 2026-W49) */
  labels: { today: string; week: string }
  today: number
  week: number
  lights: Record<Light, number>
  /** null at a grid: the indicators API counts divisions only */
  rates: Record<RateName, Rate> | null
  trend: SeriesPeriod[] | null
  classes: BarRow[]
  channels: BarRow[]
  /** the units one level down, ranked (grids of a community included); empty at a grid */
  units: BarRow[]
  /** at a grid: its events of the period, newest first */
  events: EventItem[] | null
  /** a list was cut at its cap: counts from it are partial */
  partial: boolean
}

const rows = (items: api.Keyed[]): BarRow[] =>
  items.filter((k) => k.total > 0).map((k) => ({ key: k.key, name: k.name ?? k.key, value: k.total }))

/** Counts of a list of events by a key, largest first. */
function tally(items: EventItem[], keyOf: (e: EventItem) => [string, string] | null): BarRow[] {
  const out = new Map<string, BarRow>()
  for (const e of items) {
    const k = keyOf(e)
    if (!k) continue
    const row = out.get(k[0]) ?? { key: k[0], name: k[1], value: 0 }
    row.value++
    out.set(k[0], row)
  }
  return [...out.values()].sort((a, b) => b.value - a.value || (a.key < b.key ? -1 : 1))
}

export async function loadSnapshot(session: Session, area: Area, period: PeriodKind, gridNames: (community: string) => Promise<Map<string, string>>): Promise<Snapshot> {
  const day = api.shanghaiToday()
  const labels = { today: day, week: api.isoWeek(day) }
  const periodFrom = period === 'today' ? day : api.weekStart(day)
  if (area.level === 'grid') return gridSnapshot(session, area, period, labels, periodFrom)

  const unit = api.CHILD_LEVEL[area.level]
  const [today, week, lights, trend] = await Promise.all([
    api.indicators(session, labels.today, area, period === 'today' ? unit : null),
    api.indicators(session, labels.week, area, period === 'week' ? unit : null),
    api.lights(session, area),
    api.series(session, area, api.addDays(day, 1 - TREND_DAYS), api.addDays(day, 1)),
  ])
  const shown: Indicators = period === 'today' ? today : week
  let units = (shown.units ?? []).map((u) => ({ key: u.key, name: u.name ?? u.key, value: u.counts.total }))
  let partial = false
  let names: Map<string, string>
  if (unit === 'grid') {
    // the indicators API has no grid unit: count the community's events of the period per grid
    const [list, grids] = await Promise.all([
      api.listEvents(session, { communityCode: area.code, createdFrom: periodFrom }),
      gridNames(area.code),
    ])
    names = grids
    units = tally(list.items, (e) => (e.grid ? [e.grid.code, grids.get(e.grid.code) ?? e.grid.code] : null))
    partial = list.more
  } else {
    names = new Map((await api.childDivisions(session, area)).map((d) => [d.code, d.name]))
  }
  // every unit one level down is listed (and can be drilled into), those without events as 0
  for (const [key, name] of names) if (!units.some((u) => u.key === key)) units.push({ key, name, value: 0 })
  return {
    area, period, labels, today: today.counts.total!, week: week.counts.total!, lights, rates: shown.rates, trend,
    classes: rows(shown.byClass), channels: rows(shown.byChannel), units, events: null, partial,
  }
}

async function gridSnapshot(session: Session, area: Area, period: PeriodKind, labels: Snapshot['labels'], periodFrom: string): Promise<Snapshot> {
  const where = api.eventsAreaParam(area)
  const [today, week, lights, list] = await Promise.all([
    api.countEvents(session, { ...where, createdFrom: labels.today }),
    api.countEvents(session, { ...where, createdFrom: api.weekStart(labels.today) }),
    api.lights(session, area),
    api.listEvents(session, { ...where, createdFrom: periodFrom }),
  ])
  return {
    area, period, labels, today, week, lights, rates: null, trend: null,
    classes: tally(list.items, (e) => [e.class.code, e.class.name ?? e.class.code]),
    channels: tally(list.items, (e) => [e.channel, api.CHANNEL_TITLES[e.channel] ?? e.channel]),
    units: [], events: list.items, partial: list.more,
  }
}
