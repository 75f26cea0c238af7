// The live field force (巡查力量) on the map: every device of the user's area drawn from a
// client-side vector layer, first from GET /api/v1/devices/live, then moved by the stream's
// 'position' messages, gliding from fix to fix; coloured online / idle / offline by the page's
// clock (device_status() on the server: online = a fix in the last 5 min, idle = online but
// within 30 m for 10 min); each with its track of the last hour (fixes kept client-side from the
// stream, seeded from the trajectory API for members online at load and for the one clicked).
// 1,000 devices stay smooth: features are created once and moved in place, messages are queued
// and applied once per animation frame, styles are shared per kind × status.
import Feature from 'ol/Feature'
import type OlMap from 'ol/Map'
import Collection from 'ol/Collection'
import Point from 'ol/geom/Point'
import LineString from 'ol/geom/LineString'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { fromLonLat } from 'ol/proj'
import type { Session } from '../client/api.ts'
import type { StreamBus } from '../client/streamBus.ts'
import { deviceStyle, trackStyle } from './fieldStyles.ts'
import type { Device, DeviceStatus, LiveDevice } from './fieldTypes.ts'

export type { Device, DeviceStatus, LiveDevice } from './fieldTypes.ts'

const ONLINE_MS = 5 * 60_000
const IDLE_MS = 10 * 60_000
const TRACK_MS = 60 * 60_000
const GLIDE_MS = 1000
/** Members whose last hour is fetched at load (a request each; the rest fill from the stream). */
const SEED_TRACKS = 300

/** online / idle / offline by the clock, as the server's device_status() defines them. */
export function statusAt(fixedAt: number, stillAt: number, now: number): DeviceStatus {
  if (now - fixedAt > ONLINE_MS) return 'offline'
  if (now - stillAt > IDLE_MS) return 'idle'
  return 'online'
}

export class FieldForce {
  readonly devices = new Map<string, Device>()
  readonly layer: VectorLayer<VectorSource<Feature<Point>>>
  readonly trackLayer: VectorLayer<VectorSource<Feature<LineString>>>
  selected: string | null = null
  /** Called when the counts or the selected device change (the panel redraws). */
  onChange: () => void = () => undefined
  private readonly points = new Collection<Feature<Point>>()
  private readonly lines = new Collection<Feature<LineString>>()
  private queue: Record<string, unknown>[] = []
  private frame = 0
  private gliding = new Set<Device>()
  private timers: ReturnType<typeof setInterval>[] = []
  private unsubscribe: (() => void)[] = []
  private generation = 0

  constructor(private readonly map: OlMap, private readonly session: Session) {
    // no spatial index: positions change all the time and an R-tree update per move costs more than it saves
    this.layer = new VectorLayer({
      source: new VectorSource({ features: this.points, useSpatialIndex: false }),
      style: (f) => deviceStyle(this.devices.get(String(f.getId())), this.selected),
      zIndex: 71, properties: { id: 'field_force', title: '巡查力量（实时）' },
    })
    this.trackLayer = new VectorLayer({
      source: new VectorSource({ features: this.lines, useSpatialIndex: false }),
      style: (f) => trackStyle(this.devices.get(String(f.getId())), this.selected),
      zIndex: 69, properties: { id: 'field_tracks', title: '近一小时轨迹' },
    })
  }

  /** After sign-in: load every device, follow the stream, recompute status each 15 s. */
  async start(bus: StreamBus | undefined): Promise<void> {
    this.stop()
    const generation = ++this.generation
    this.map.addLayer(this.trackLayer)
    this.map.addLayer(this.layer)
    if (bus) {
      this.unsubscribe.push(bus.on('position', (data) => this.enqueue(data)))
      // back after a drop: fixes sent meanwhile were never announced
      this.unsubscribe.push(bus.onState((s, reconnected) => { if (reconnected) void this.load(generation).catch(() => undefined) }))
    }
    this.timers.push(setInterval(() => this.recolour(), 15_000))
    // a slow catch-up for what a lost message or a device registered since would leave behind
    this.timers.push(setInterval(() => void this.load(generation).catch(() => undefined), 120_000))
    await this.load(generation)
    // a read-only probe on the map element for the browser tests and for diagnosing a wall screen
    Object.assign(this.map.getTargetElement() ?? {}, { fieldProbe: (id: string) => this.probe(id) })
    void this.seedTracks(generation)
  }

  stop(): void {
    this.generation++
    for (const t of this.timers) clearInterval(t)
    clearTimeout(this.reloadTimer)
    this.reloadTimer = undefined
    for (const u of this.unsubscribe) u()
    this.timers = []
    this.unsubscribe = []
    cancelAnimationFrame(this.frame)
    this.frame = 0
    this.queue = []
    this.gliding.clear()
    this.points.clear()
    this.lines.clear()
    this.devices.clear()
    this.selected = null
    this.map.removeLayer(this.layer)
    this.map.removeLayer(this.trackLayer)
    this.map.getTargetElement()?.removeAttribute('data-field-devices')
  }

  /** The device drawn under a pixel, if any (a few pixels of tolerance: symbols are small). */
  deviceAt(pixel: number[]): Device | null {
    let found: Device | null = null
    this.map.forEachFeatureAtPixel(pixel, (f) => {
      found = this.devices.get(String(f.getId())) ?? null
      return true
    }, { hitTolerance: 4, layerFilter: (l) => l === this.layer })
    return found
  }

  /** Selects a device (null: none); its member's last hour comes from the trajectory API. */
  /** Where a device is drawn now (pixel), where its last fix is, and its status. */
  probe(identifier: string): { pixel: number[] | null; fixPixel: number[] | null; lon: number; lat: number; status: DeviceStatus; selected: boolean } | null {
    const d = this.devices.get(identifier)
    if (!d) return null
    return {
      pixel: this.map.getPixelFromCoordinate(d.feature.getGeometry()!.getCoordinates()),
      fixPixel: this.map.getPixelFromCoordinate(fromLonLat([d.lon, d.lat])),
      lon: d.lon, lat: d.lat, status: d.shown, selected: this.selected === identifier,
    }
  }

  select(identifier: string | null): void {
    this.selected = identifier
    const d = identifier ? this.devices.get(identifier) : undefined
    if (d) void this.loadTrack(d).catch(() => undefined)
    this.layer.changed()
    this.trackLayer.changed()
    this.onChange()
  }

  counts(): Record<DeviceStatus, number> {
    const c = { online: 0, idle: 0, offline: 0 }
    for (const d of this.devices.values()) c[d.shown]++
    return c
  }

  /** The last hour of one member from the trajectory API, merged into their device's track. */
  async loadTrack(d: Device): Promise<void> {
    if (d.memberId === null || this.session.user?.role === 'grid_inspector') return
    const from = new Date(Date.now() - TRACK_MS).toISOString()
    const res = await this.session.fetch(`/api/v1/members/${d.memberId}/trajectory?from=${encodeURIComponent(from)}`)
    if (!res.ok) return
    const body = await res.json() as { features: { geometry: { type: string; coordinates: number[][] | number[] }; properties: { kind: string; times?: string[] } }[] }
    const fixes: [number, number, number][] = []
    for (const f of body.features) {
      if (f.properties.kind !== 'track') continue
      const coords = (f.geometry.type === 'LineString' ? f.geometry.coordinates : [f.geometry.coordinates]) as number[][]
      coords.forEach((c, i) => {
        const t = Date.parse(f.properties.times?.[i] ?? '')
        if (Number.isFinite(t)) fixes.push([...fromLonLat([c[0]!, c[1]!]), t] as [number, number, number])
      })
    }
    if (!this.devices.has(d.identifier)) return
    const seen = new Set(d.fixes.map((x) => x[2]))
    d.fixes = [...d.fixes, ...fixes.filter((x) => !seen.has(x[2]))].sort((a, b) => a[2] - b[2])
    this.redrawTrack(d, Date.now())
  }

  private reloadTimer: ReturnType<typeof setTimeout> | undefined

  /** One reload at most every 10 s, however many unknown devices report meanwhile. */
  private reloadSoon(): void {
    if (this.reloadTimer) return
    const generation = this.generation
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined
      if (generation === this.generation) void this.load(generation).catch(() => undefined)
    }, 10_000)
  }

  private async load(generation: number): Promise<void> {
    let url: string | null = '/api/v1/devices/live'
    const seen = new Set<string>()
    while (url && generation === this.generation) {
      const res = await this.session.fetch(url)
      if (!res.ok) throw new Error(`巡查力量加载失败（${res.status}）`)
      const body = await res.json() as { items: LiveDevice[]; next: string | null }
      if (generation !== this.generation) return
      for (const row of body.items) {
        seen.add(row.identifier)
        this.upsert(row)
      }
      url = body.next
    }
    // gone from the list: disabled, handed out of the area, or no longer visible
    for (const id of [...this.devices.keys()]) if (!seen.has(id)) this.remove(id)
    this.recolour()
    this.map.getTargetElement()?.setAttribute('data-field-devices', String(this.devices.size))
    this.onChange()
  }

  private async seedTracks(generation: number): Promise<void> {
    // a grid inspector may read only their own track (the API answers 404 for the others):
    // their screen draws the tracks the stream brings, and asks for none
    if (this.session.user?.role === 'grid_inspector') return
    const byMember = new Map<number, Device>()
    for (const d of this.devices.values()) if (d.memberId !== null && d.shown !== 'offline' && !byMember.has(d.memberId)) byMember.set(d.memberId, d)
    const todo = [...byMember.values()].slice(0, SEED_TRACKS)
    // four at a time: the tiles of the first view come first
    const worker = async () => {
      for (let d = todo.shift(); d && generation === this.generation; d = todo.shift()) await this.loadTrack(d).catch(() => undefined)
    }
    await Promise.all([worker(), worker(), worker(), worker()])
  }

  private upsert(row: LiveDevice): void {
    const d = this.devices.get(row.identifier)
    const fixedAt = Date.parse(row.time)
    const xy = fromLonLat([row.lon, row.lat])
    if (!d) {
      const feature = new Feature(new Point(xy))
      feature.setId(row.identifier)
      const track = new Feature(new LineString([xy]))
      track.setId(row.identifier)
      const dev: Device = { ...row, fixedAt, stillAt: Date.parse(row.stillSince), shown: 'offline', feature, track, fixes: [[xy[0]!, xy[1]!, fixedAt]], glide: null }
      dev.shown = statusAt(dev.fixedAt, dev.stillAt, Date.now())
      this.devices.set(row.identifier, dev)
      this.points.push(feature)
      this.lines.push(track)
      return
    }
    if (d.kind !== row.kind) d.feature.changed()
    Object.assign(d, { kind: row.kind, name: row.name, memberId: row.memberId, memberName: row.memberName,
      communityCode: row.communityCode, communityName: row.communityName, departmentName: row.departmentName })
    // the list may lag the stream: only a newer fix moves the device
    if (fixedAt > d.fixedAt) {
      Object.assign(d, { battery: row.battery, speed: row.speed, bearing: row.bearing, gridCode: row.gridCode })
      this.applyFix(d, row.lon, row.lat, fixedAt, Date.parse(row.stillSince), Date.now())
    }
  }

  private remove(id: string): void {
    const d = this.devices.get(id)
    if (!d) return
    this.points.remove(d.feature)
    this.lines.remove(d.track)
    this.gliding.delete(d)
    this.devices.delete(id)
    if (this.selected === id) this.select(null)
  }

  /** A 'position' message: queued, applied with the others of this frame. */
  private enqueue(data: Record<string, unknown>): void {
    this.queue.push(data)
    this.schedule()
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame((now) => this.tick(now))
  }

  private tick(frameTime: number): void {
    this.frame = 0
    const now = Date.now()
    const queue = this.queue
    this.queue = []
    let unknown = false
    for (const m of queue) {
      const d = this.devices.get(String(m.device))
      const t = Date.parse(String(m.t))
      if (!d) { unknown = true; continue }
      if (!Number.isFinite(t) || t <= d.fixedAt || typeof m.lon !== 'number' || typeof m.lat !== 'number') continue
      if (typeof m.battery === 'number') d.battery = m.battery
      if (m.memberId !== undefined) d.memberId = m.memberId === null ? null : Number(m.memberId)
      if (typeof m.gridCode === 'string' || m.gridCode === null) d.gridCode = m.gridCode as string | null
      const still = typeof m.stillSince === 'string' ? Date.parse(m.stillSince) : d.stillAt
      this.applyFix(d, m.lon, m.lat, t, Number.isFinite(still) ? still : d.stillAt, now)
    }
    // a device registered after the load: its member, kind and unit come with the next list
    if (unknown) this.reloadSoon()
    // while the user pans or zooms the layer is not redrawn anyway: land every glide at once
    const view = this.map.getView()
    const busy = view.getInteracting() || view.getAnimating()
    for (const d of this.gliding) {
      const g = d.glide!
      const k = busy ? 1 : Math.min(1, (frameTime - g.start) / GLIDE_MS)
      d.feature.getGeometry()!.setCoordinates([g.from[0]! + (g.to[0]! - g.from[0]!) * k, g.from[1]! + (g.to[1]! - g.from[1]!) * k])
      if (k >= 1) { d.glide = null; this.gliding.delete(d) }
    }
    if (queue.length) {
      this.map.getTargetElement()?.setAttribute('data-field-fixes', String(Number(this.map.getTargetElement()!.getAttribute('data-field-fixes') ?? 0) + queue.length))
      this.onChange()
    }
    if (this.gliding.size) this.schedule()
  }

  private applyFix(d: Device, lon: number, lat: number, t: number, stillAt: number, now: number): void {
    const to = fromLonLat([lon, lat])
    d.lon = lon
    d.lat = lat
    d.fixedAt = t
    d.time = new Date(t).toISOString()
    d.stillAt = stillAt
    d.stillSince = new Date(stillAt).toISOString()
    d.fixes.push([to[0]!, to[1]!, t])
    const from = d.feature.getGeometry()!.getCoordinates()
    // only what can be seen glides; a device off screen jumps (no per-frame work for it)
    if (this.inView(from) || this.inView(to)) {
      d.glide = { from, to, start: performance.now() }
      this.gliding.add(d)
    } else {
      d.glide = null
      this.gliding.delete(d)
      d.feature.getGeometry()!.setCoordinates(to)
    }
    this.redrawTrack(d, now)
    const shown = statusAt(d.fixedAt, d.stillAt, now)
    if (shown !== d.shown) { d.shown = shown; d.feature.changed() }
    this.schedule()
  }

  private viewExtent: { at: number; extent: number[] } = { at: 0, extent: [] }

  private inView(xy: number[]): boolean {
    const now = performance.now()
    if (now - this.viewExtent.at > 100) {
      const size = this.map.getSize()
      this.viewExtent = { at: now, extent: size ? this.map.getView().calculateExtent(size) : [] }
    }
    const e = this.viewExtent.extent
    return e.length === 4 && xy[0]! >= e[0]! && xy[0]! <= e[2]! && xy[1]! >= e[1]! && xy[1]! <= e[3]!
  }

  private redrawTrack(d: Device, now: number): void {
    const cut = d.fixes.findIndex((x) => x[2] >= now - TRACK_MS)
    d.fixes = cut < 0 ? d.fixes.slice(-1) : d.fixes.slice(cut)
    d.track.getGeometry()!.setCoordinates(d.fixes.map((x) => [x[0], x[1]]))
  }

  /** Status goes by the clock: a device that stops reporting turns offline without a message. */
  private recolour(): void {
    const now = Date.now()
    let changed = false
    for (const d of this.devices.values()) {
      const shown = statusAt(d.fixedAt, d.stillAt, now)
      if (shown !== d.shown) { d.shown = shown; d.feature.changed(); d.track.changed(); changed = true }
    }
    if (changed) this.onChange()
  }
}
