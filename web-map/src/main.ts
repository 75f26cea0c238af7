// 城市云图: the map page at /. Sign in, then the grid, division, component and address
// vector tiles of the user's area over a plain dark background; click a feature to read it.
// Nothing is fetched from outside this server: no base map, web font or CDN.
import 'ol/ol.css'
import './ui/style.css'
import OlMap from 'ol/Map'
import View from 'ol/View'
import { defaults as defaultControls, MousePosition, ScaleLine } from 'ol/control'
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj'
import { Session, LoginError } from './client/api.ts'
import { createLayers, type MapLayer, type TileStats } from './map/layers.ts'
import { hitsAt } from './map/hits.ts'
import { adminChain, renderFeatureInfo, renderLayerSwitcher } from './panels/layers/layerPanel.ts'
import { featureKey, type Selection } from './map/styles.ts'
import { EventsPanel } from './panels/events/eventsPanel.ts'
import { ANALYSIS_LAYER_IDS } from './map/analysis.ts'
import { Dock } from './ui/dock.ts'
import { StatusBar } from './ui/statusBar.ts'
import { addOutline } from './map/outline.ts'
import { Basemap } from './map/basemap.ts'
import { basemapSwitch } from './map/basemapSwitch.ts'
import { dispatchLayer } from './map/dispatchLayer.ts'
import { StreamBus } from './client/streamBus.ts'
import { WarningsPanel } from './panels/warnings/warningsPanel.ts'
import { SituationPanel } from './panels/situation/situationPanel.ts'
import { FieldForce } from './map/fieldForce.ts'
import { FieldPanel } from './panels/field/fieldPanel.ts'
import { ReplayPanel } from './panels/replay/replayPanel.ts'
import { ExemplaryPanel } from './panels/exemplary/exemplaryPanel.ts'
import { OrdersPanel } from './panels/orders/ordersPanel.ts'
import { SearchBox } from './ui/search.ts'
import { GridsPanel } from './panels/grids/gridsPanel.ts'
import { RegistersPanel } from './panels/registers/registersPanel.ts'
import { ACTION_NEEDS, applyRoleMenus, can } from './ui/roles.ts'
import { TasksPanel } from './panels/tasks/tasksPanel.ts'
import { QueuesPanel } from './panels/queues/queuesPanel.ts'
import { InboxPanel } from './panels/inbox/inboxPanel.ts'
import { ConfigPanel } from './panels/config/configPanel.ts'
import { HardCasesPanel } from './panels/hardcases/hardCasesPanel.ts'
import { CamerasPanel } from './panels/cameras/camerasPanel.ts'
import { MeetingsPanel } from './panels/meetings/meetingsPanel.ts'
import { ParallelPanel } from './panels/parallel/parallelPanel.ts'
import { SensorsPanel } from './panels/sensing/sensorsPanel.ts'
import { OpinionPanel } from './panels/sensing/opinionPanel.ts'
import { UsagePanel } from './panels/sensing/usagePanel.ts'
import { CataloguePanel } from './panels/catalogue/cataloguePanel.ts'
import { ApplicationsPanel } from './panels/catalogue/applicationsPanel.ts'
import { BigScreen } from './ui/bigScreen.ts'
import { EXPIRED_MESSAGE, forgetView, mirrorView, restoreView, saveView, takeSavedView, type ViewHooks } from './ui/sessionView.ts'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const ui = {
  map: $<HTMLDivElement>('map'),
  login: $<HTMLFormElement>('login'),
  loginError: $<HTMLParagraphElement>('login-error'),
  user: $<HTMLDivElement>('user'),
  userName: $<HTMLSpanElement>('user-name'),
  logout: $<HTMLButtonElement>('logout'),
  layers: $<HTMLElement>('layers'),
  layerList: $<HTMLUListElement>('layer-list'),
  info: $<HTMLElement>('info'),
  infoBody: $<HTMLDivElement>('info-body'),
  infoClose: $<HTMLButtonElement>('info-close'),
  status: $<HTMLSpanElement>('status'),
  events: $<HTMLElement>('events'),
}

/** The right-hand dock: one tab per panel; the events panel is the first. */
const dock = new Dock(ui.map.parentElement!, ui.info)
dock.add({ id: 'events', title: '事件', element: ui.events })

const session = new Session()
const selection: Selection = { layer: null, key: null }
let layers: MapLayer[] = []

/** Tile counters mirrored on the map element (data-tiles-loaded …) for the tests (the status bar shows the area, time and stream). */
const stats: TileStats = {
  loaded: 0, failed: 0, bytes: 0,
  onChange: () => {
    ui.map.dataset.tilesLoaded = String(stats.loaded)
    ui.map.dataset.tileErrors = String(stats.failed)
  },
}

const map = new OlMap({
  target: ui.map,
  controls: defaultControls({ attribution: false, rotate: false }).extend([
    new ScaleLine({ units: 'metric' }),
    new MousePosition({
      target: 'mouse-position', projection: 'EPSG:4326', placeholder: '',
      coordinateFormat: (c) => (c ? `经度 ${c[0]!.toFixed(5)} 纬度 ${c[1]!.toFixed(5)}` : ''),
    }),
  ]),
  view: new View({ center: fromLonLat([116.0, 36.45]), zoom: 11, maxZoom: 20 }),
})
setMapState('login')
/** The city outline and names before sign-in (and under the data after it). */
const outline = addOutline(map, () => !session.signedIn)
/** 底图: water, roads and names from our own tiles, before sign-in too (once the view is on the city); its look switched in the layers panel. */
ui.layers.insertBefore(basemapSwitch(new Basemap(map, outline.ready)), ui.layerList)
/** 调度: the candidates of the event being dispatched, lines to it (panels/dispatch/ draws them). */
map.addLayer(dispatchLayer)

/** Redraws the events tiles (the server drops its tile cache on every change). */
let tilesTimer: ReturnType<typeof setTimeout> | undefined
function refreshEventTiles(): void {
  clearTimeout(tilesTimer)
  // a burst of changes (intake, accept, dispatch) costs one reload of the visible tiles
  tilesTimer = setTimeout(() => {
    for (const l of layers) if (l.info.id.startsWith('events')) l.layer.getSource()?.refresh()
  }, 1000)
}


/** The one live stream (opened by the events panel), heard by every panel. */
const bus = new StreamBus()
const statusBar = new StatusBar(ui.status, session, bus)
const warnings = new WarningsPanel(map, session, bus, {
  reveal: () => dock.show('warnings'), count: (n) => dock.badge('warnings', n), openEvent: (n) => { dock.show('events'); events.open(n) },
  superviseEvent: (n) => { dock.show('events'); events.open(n, 'supervise') },
})
dock.add({ id: 'warnings', title: '预警', element: warnings.element })

const events = new EventsPanel({
  panel: ui.events, live: $('events-live'), chips: $('events-chips'), error: $('events-error'),
  list: $<HTMLUListElement>('events-list'), detail: $('event-detail'),
}, session, {
  locate: (number, lonLat) => {
    const view = map.getView()
    delete ui.map.dataset.located
    view.animate({ center: fromLonLat(lonLat), zoom: Math.max(view.getZoom() ?? 0, 16), duration: 400 })
    selectEvent(number)
    // a link to this event (reloading asks for sign-in, then opens it again)
    history.replaceState(null, '', `#event=${number}`)
  },
  changed: refreshEventTiles,
  bus,
  deselect: () => {
    if (selection.layer === 'events') selectEvent(null)
    history.replaceState(null, '', location.pathname + location.search)
  },
})

const situation = new SituationPanel(session, map, bus, { openEvent: (n) => { dock.show('events'); events.open(n) } })
dock.add({ id: 'situation', title: '态势', element: situation.element, onShow: () => situation.shown() })

/** The live field force: devices moved by the stream's 'position' messages, a card per device. */
const field = new FieldForce(map, session)
const fieldPanel = new FieldPanel(field, session, { locate: (lonLat) => map.getView().animate({ center: fromLonLat(lonLat), zoom: Math.max(map.getView().getZoom() ?? 0, 16), duration: 400 }) })
dock.add({ id: 'field', title: '力量', element: fieldPanel.element })

/** 复盘: one event's life replayed on the map (#replay=E… opens it). */
const replay = new ReplayPanel(session, map)
dock.add({ id: 'replay', title: '复盘', element: replay.element })
/** 公示: the exemplary cases the centre pinned (panels/exemplary/; similar ones also show in the event detail). */
const exemplary = new ExemplaryPanel(session, { openEvent: (n) => { dock.show('events'); events.open(n) } })
dock.add({ id: 'exemplary', title: '公示', element: exemplary.element, onShow: () => exemplary.shown() })

/** 调派: resources sent to a point or grid, followed on the map until they arrive (right-click: 派遣力量到此). */
const orders = new OrdersPanel(map, session, bus, field, { reveal: () => dock.show('orders'), count: (n) => dock.badge('orders', n), notice: (t) => statusBar.notice(t) })
dock.add({ id: 'orders', title: '调派', element: orders.element })

/** 搜索 in the header (ui/search.ts): a hit is located on the map and opened where it belongs. */
ui.user.prepend(new SearchBox(map, session, {
  openEvent: (n) => { dock.show('events'); events.open(n) }, openDevice: (id) => { field.select(id); dock.show('field') },
  highlight: (layer, key) => { Object.assign(selection, { layer, key }); for (const l of layers) l.layer.changed() },
}).element)

/** 网格: draw, reshape, split and merge grids with snapping; the tab only for roles that edit grids. */
const grids = new GridsPanel(map, session)
dock.add({ id: 'grids', title: '网格', element: grids.element, onShow: () => grids.shown() })
/** 任务: today's patrol tasks (an inspector's own). */
const tasks = new TasksPanel(session)
dock.add({ id: 'tasks', title: '任务', element: tasks.element, onShow: () => tasks.shown() })

/** 队列: the user's work queues and the major emergencies it follows (panels/queues/). */
const queues = new QueuesPanel(session, bus, { openEvent: (n) => { dock.show('events'); events.open(n) }, count: (n) => dock.badge('queues', n) })
dock.add({ id: 'queues', title: '队列', element: queues.element, onShow: () => queues.shown() })
/** 消息: the user's inbox (待办, 预警, 督办 …) and quiet hours (panels/inbox/); the badge counts the unread. */
const inbox = new InboxPanel(session, bus, { openEvent: (n) => { dock.show('events'); events.open(n) }, count: (n) => dock.badge('inbox', n) })
dock.add({ id: 'inbox', title: '消息', element: inbox.element, onShow: () => inbox.shown() })
/** 配置: matters and rules as versioned configuration (panels/config/); the command centre adds versions. */
const configPanel = new ConfigPanel(session, { canEdit: () => can(session.user, ACTION_NEEDS.configEdit) })
dock.add({ id: 'config', title: '配置', element: configPanel.element, onShow: () => configPanel.shown() })
/** 疑难: hard cases, why each was marked, and one event's file: 批示, 并联办 parts, meetings, quality (panels/hardcases/). */
const hardCases = new HardCasesPanel(session, bus, { openEvent: (n) => { dock.show('events'); events.open(n) }, canInstruct: () => can(session.user, ACTION_NEEDS.instruct), count: (n) => dock.badge('hardcases', n) })
dock.add({ id: 'hardcases', title: '疑难', element: hardCases.element, onShow: () => hardCases.shown() })
/** 视频: live view (hls.js, loaded on first play) and the user's video patrol rounds (panels/cameras/). */
const cameras = new CamerasPanel(session, { openEvent: (n) => { dock.show('events'); events.open(n) } })
dock.add({ id: 'cameras', title: '视频', element: cameras.element, onShow: () => cameras.shown() })
/** 会商: meetings and the 72-hour plan, their minutes and decisions; the badge counts overdue decisions (panels/meetings/). */
const meetings = new MeetingsPanel(session, { openEvent: (n) => { dock.show('events'); events.open(n) }, canConvene: () => can(session.user, ACTION_NEEDS.convene), count: (n) => dock.badge('meetings', n) })
dock.add({ id: 'meetings', title: '会商', element: meetings.element, onShow: () => meetings.shown() })
/** 并联办: the parts of events the user's units hold, each event's parts and deadlines, 办结 of one's own (panels/parallel/). */
const parallel = new ParallelPanel(session, bus, { openEvent: (n) => { dock.show('events'); events.open(n) }, count: (n) => dock.badge('parallel', n) })
dock.add({ id: 'parallel', title: '并联办', element: parallel.element, onShow: () => parallel.shown() })
/** 感知, 舆情, 用量: sensor alarms with their readings, public-opinion candidates and topics, utility-usage flags (panels/sensing/). */
const locateAt = (lonLat: [number, number]) => map.getView().animate({ center: fromLonLat(lonLat), zoom: Math.max(map.getView().getZoom() ?? 0, 16), duration: 400 })
const sensors = new SensorsPanel(session, { openEvent: (n) => { dock.show('events'); events.open(n) }, locate: locateAt, count: (n) => dock.badge('sensors', n) })
dock.add({ id: 'sensors', title: '感知', element: sensors.element, onShow: () => sensors.shown() })
const opinion = new OpinionPanel(session, { openEvent: (n) => { dock.show('events'); events.open(n) }, locate: locateAt, count: (n) => dock.badge('opinion', n) })
dock.add({ id: 'opinion', title: '舆情', element: opinion.element, onShow: () => opinion.shown() })
const usage = new UsagePanel(session)
dock.add({ id: 'usage', title: '用量', element: usage.element, onShow: () => usage.shown() })
/** 登记: the registers (实有人口, 实有房屋 …) listed by grid or search, read, unmasked with a reason and edited. */
const registers = new RegistersPanel(map, session, { layers: () => layers, layersChanged: () => renderLayerSwitcher(ui.layerList, layers, closeInfo) })
dock.add({ id: 'registers', title: '登记', element: registers.element, onShow: () => registers.shown() })
/** 数据目录 and 资源申请: the catalogue searched and edited, applications reviewed with their key and use (panels/catalogue/). */
const applications = new ApplicationsPanel(session, { canReview: () => can(session.user, ACTION_NEEDS.reviewApplications), canApply: () => can(session.user, ACTION_NEEDS.applyAccess), count: (n) => dock.badge('applications', n) })
const catalogue = new CataloguePanel(session, { canEdit: () => can(session.user, ACTION_NEEDS.catalogueEdit), canApply: () => can(session.user, ACTION_NEEDS.applyAccess),
  apply: (e) => { applications.addResource(e); dock.show('applications') } })
dock.add({ id: 'catalogue', title: '目录', element: catalogue.element, onShow: () => catalogue.shown() })
dock.add({ id: 'applications', title: '申请', element: applications.element, onShow: () => applications.shown() })

/** 大屏 (button and ?mode=screen) and the view kept across an expired login (ui/bigScreen.ts, ui/sessionView.ts). */
const bigScreen = new BigScreen({ dock, layers: () => layers, user: () => session.user, buttonHost: ui.user, overlayHost: ui.map.parentElement! })
const viewHooks: ViewHooks = { map, dock, layers: () => layers, detail: $('event-detail'), openEvent: (n) => events.open(n), layersChanged: () => renderLayerSwitcher(ui.layerList, layers, closeInfo) }
mirrorView(map)

/** The event a link names (#event=E…), opened after sign-in and whenever the hash changes. */
function openLinkedEvent(): void {
  const m = /^#event=(E\d{12,16})$/.exec(location.hash)
  if (m && session.signedIn) events.open(m[1]!)
  const r = /^#replay=(E\d{12,16})$/.exec(location.hash)
  if (r && session.signedIn) {
    dock.show('replay')
    void replay.load(r[1]!)
  }
}
window.addEventListener('hashchange', openLinkedEvent)

function selectEvent(number: string | null): void {
  selection.layer = number ? 'events' : null
  selection.key = number
  if (number) ui.map.dataset.selected = number
  else delete ui.map.dataset.selected
  for (const l of layers) l.layer.changed()
}

function setMapState(state: 'login' | 'loading' | 'ready'): void {
  ui.map.dataset.mapState = state
}

// "ready" once every visible tile of the first view after sign-in has loaded and drawn;
// data-renders counts finished frames (tests wait on it after switching a layer)
map.on('rendercomplete', () => {
  ui.map.dataset.renders = String(Number(ui.map.dataset.renders ?? 0) + 1)
  if (ui.map.dataset.mapState === 'loading' && stats.loaded + stats.failed > 0) setMapState('ready')
  // the view has settled on the selected event and its tiles have drawn (tests click it then)
  if (selection.layer === 'events' && selection.key && !map.getView().getAnimating()) ui.map.dataset.located = selection.key
})

ui.login.addEventListener('submit', async (e) => {
  e.preventDefault()
  const form = new FormData(ui.login)
  const button = ui.login.querySelector('button')!
  ui.loginError.textContent = ''
  button.disabled = true
  try {
    const user = await session.login(String(form.get('username') ?? '').trim(), String(form.get('password') ?? ''))
    ui.login.reset()
    ui.userName.textContent = `${user.displayName ?? user.username} · ${user.roleTitle}`
    await showLayers()
    dock.visible = true
    applyRoleMenus(dock, user)
    dock.show('events')
    events.start()
    warnings.start()
    situation.start()
    field.start(bus).catch((err: Error) => { statusBar.notice(err.message) })
    orders.start()
    grids.start()
    registers.start()
    inbox.started()
    void statusBar.signedIn()
    const kept = takeSavedView(user.username)
    if (kept) restoreView(viewHooks, kept)
    else openLinkedEvent()
    bigScreen.signedIn()
  } catch (err) {
    ui.loginError.textContent = err instanceof LoginError ? err.message : `地图加载失败：${(err as Error).message}`
  } finally {
    button.disabled = false
  }
})

async function showLayers(): Promise<void> {
  const [tj, analysis] = await Promise.all([session.tileJson(), session.analysisLayers(ANALYSIS_LAYER_IDS)])
  clearLayers()
  Object.assign(stats, { loaded: 0, failed: 0, bytes: 0 })
  stats.onChange()
  setMapState('loading')
  layers = createLayers([...tj.vector_layers, ...analysis], session, stats, selection, transformExtent(tj.bounds, 'EPSG:4326', 'EPSG:3857'))
  for (const l of layers) map.addLayer(l.layer)
  renderLayerSwitcher(ui.layerList, layers, closeInfo)
  ui.login.hidden = true
  ui.user.hidden = false
  ui.layers.hidden = false
  // the TileJSON bounds are the user's jurisdiction: a street officer sees the street
  map.getView().fit(transformExtent(tj.bounds, 'EPSG:4326', 'EPSG:3857'), { padding: [40, 40, 40, 40] })
}

function clearLayers(): void {
  for (const l of layers) {
    map.removeLayer(l.layer)
    l.layer.getSource()?.dispose()
    l.layer.dispose()
  }
  layers = []
  closeInfo()
}

function signedOut(message: string): void {
  bigScreen.signedOut()
  tasks.clear()
  queues.clear()
  inbox.clear()
  configPanel.clear()
  hardCases.clear()
  cameras.clear()
  meetings.clear()
  parallel.clear()
  sensors.clear()
  opinion.clear()
  usage.clear()
  catalogue.clear()
  applications.clear()
  events.stop()
  replay.clear()
  warnings.stop()
  situation.stop()
  field.stop()
  orders.stop()
  grids.stop()
  registers.stop()
  dock.visible = false
  clearTimeout(tilesTimer)
  clearLayers()
  ui.layerList.replaceChildren()
  ui.layers.hidden = true
  ui.user.hidden = true
  ui.login.hidden = false
  ui.loginError.textContent = message
  statusBar.signedOut()
  setMapState('login')
}

session.onExpired = (user) => {
  if (user) saveView(viewHooks, user.username)
  signedOut(EXPIRED_MESSAGE)
}
ui.logout.addEventListener('click', async () => {
  forgetView()
  await session.logout()
  signedOut('')
})

function closeInfo(): void {
  ui.info.hidden = true
  selection.layer = selection.key = null
  for (const l of layers) l.layer.changed()
}
ui.infoClose.addEventListener('click', closeInfo)

map.on('singleclick', async (e) => {
  if (!layers.length || grids.busy) return
  const device = field.deviceAt(e.pixel)
  if (device) {
    field.select(device.identifier)
    dock.show('field')
    return
  }
  const hits = await hitsAt(map, layers, e.pixel)
  // highlight the most specific feature: a point or grid before the division it lies in
  const top = hits[0]
  selection.layer = top ? top.layer.info.id : null
  const feature = top && (top.layer.info.id === 'admin_divisions' ? adminChain(top.features).at(-1) : top.features[0])
  selection.key = feature ? featureKey(feature) ?? null : null
  for (const l of layers) l.layer.changed()
  renderFeatureInfo(ui.infoBody, hits, toLonLat(e.coordinate) as [number, number])
  ui.info.hidden = false
  // an event point (not a cluster) also opens its detail and actions in the events panel
  if (top?.layer.info.id === 'events' && feature && Number(feature.get('point_count') ?? 1) <= 1 && feature.get('number')) {
    events.open(String(feature.get('number')))
  }
})

map.on('pointermove', (e) => {
  if (e.dragging || !layers.length) return
  ui.map.style.cursor = map.hasFeatureAtPixel(e.pixel, { hitTolerance: 3 }) ? 'pointer' : ''
})
