// An expired login returns to the sign-in with the view kept: at the moment the server first
// refuses the token, the view (centre, zoom, dock tab, open event, layer visibility, and whatever
// other modules register, e.g. the base-map style) and an action form being filled in are kept in
// sessionStorage; when the same user signs in again the page goes back to where it was and the
// form is opened again with what was typed. A plain sign-out forgets it; another user never gets it.
import type OlMap from 'ol/Map'
import { fromLonLat, toLonLat } from 'ol/proj'
import type { MapLayer } from '../map/layers.ts'
import type { Dock } from './dock.ts'
import { DRAFT_MESSAGE } from './sessionMessages.ts'

export { EXPIRED_MESSAGE } from './sessionMessages.ts'

const KEY = 'gridgov.view'
/** A view older than this is not worth going back to (the next shift signs in fresh). */
const MAX_AGE_MS = 12 * 3600_000
const DRAFT_WAIT_MS = 15_000

/** An action form in the event detail that was being filled in. */
interface Draft { number: string; action: string; fields: Record<string, string> }

export interface SavedView {
  username: string
  savedAt: number
  center: [number, number]
  zoom: number
  tab: string | null
  event: string | null
  layers: Record<string, boolean>
  parts: Record<string, string>
  draft: Draft | null
}

export interface ViewHooks {
  map: OlMap
  dock: Dock
  layers: () => MapLayer[]
  /** The event detail element (#event-detail: data-number, data-state="ready"). */
  detail: HTMLElement
  openEvent: (number: string) => void
  /** Layer visibility was changed: the layer switcher redraws its boxes. */
  layersChanged: () => void
}

/** Other parts of the view by name (e.g. 'style': the base-map style), saved as a string each. */
const parts = new Map<string, { save(): string | null; restore(value: string): void }>()

/** A module keeps a piece of the view across an expired login (call once, at start). */
export function registerViewPart(name: string, part: { save(): string | null; restore(value: string): void }): void {
  parts.set(name, part)
}

/** The view on the map element (data-view="lon,lat,zoom" after every move): what a test or the wall's operator can read. */
export function mirrorView(map: OlMap): void {
  map.on('moveend', () => {
    const v = map.getView()
    const c = v.getCenter()
    if (!c) return
    const [lon, lat] = toLonLat(c)
    map.getTargetElement()?.setAttribute('data-view', `${lon!.toFixed(6)},${lat!.toFixed(6)},${(v.getZoom() ?? 0).toFixed(3)}`)
  })
}

function draftOf(detail: HTMLElement): Draft | null {
  const form = detail.querySelector<HTMLFormElement>('form.action-form')
  const number = detail.dataset.number
  if (!form || !number || !form.dataset.action) return null
  const fields: Record<string, string> = {}
  for (const f of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input[name], textarea[name], select[name]')) fields[f.name] = f.value
  return { number, action: form.dataset.action, fields }
}

/** Keeps the view of `username` (called when the server refuses the token, before the page is cleared). */
export function saveView(h: ViewHooks, username: string): void {
  const view = h.map.getView()
  const centre = view.getCenter()
  if (!centre) return
  const saved: SavedView = {
    username, savedAt: Date.now(), center: toLonLat(centre) as [number, number], zoom: view.getZoom() ?? 11,
    tab: h.dock.shown, event: h.detail.hidden ? null : h.detail.dataset.number ?? null,
    layers: Object.fromEntries(h.layers().map((l) => [l.info.id, l.layer.getVisible()])),
    parts: {}, draft: draftOf(h.detail),
  }
  for (const [name, part] of parts) {
    const v = part.save()
    if (v !== null) saved.parts[name] = v
  }
  try {
    sessionStorage.setItem(KEY, JSON.stringify(saved))
  } catch {
    // storage full or refused (private mode): the sign-in still works, the view is not kept
  }
}

export function forgetView(): void {
  try { sessionStorage.removeItem(KEY) } catch { /* nothing kept */ }
}

/** The view kept for this user (and forgets it: it is restored once); another user's is dropped. */
export function takeSavedView(username: string): SavedView | null {
  let saved: SavedView | null
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as SavedView | null
  } catch {
    saved = null
  }
  forgetView()
  if (!saved || saved.username !== username || !(Date.now() - saved.savedAt < MAX_AGE_MS)) return null
  if (!Array.isArray(saved.center) || saved.center.length !== 2 || !saved.center.every(Number.isFinite) || !Number.isFinite(saved.zoom)) return null
  return saved
}

/** Goes back to a kept view (after the sign-in has drawn the user's layers). */
export function restoreView(h: ViewHooks, saved: SavedView): void {
  h.map.getView().setCenter(fromLonLat(saved.center))
  h.map.getView().setZoom(saved.zoom)
  for (const l of h.layers()) {
    const v = saved.layers?.[l.info.id]
    if (typeof v === 'boolean') l.layer.setVisible(v)
  }
  h.layersChanged()
  for (const [name, value] of Object.entries(saved.parts ?? {})) parts.get(name)?.restore(value)
  if (saved.tab) h.dock.show(saved.tab)
  const number = saved.draft?.number ?? saved.event
  if (number) {
    h.openEvent(number)
    // the event opened by the panel moves the view to it: the kept view wins
    void whenReady(h.detail, number).then(() => {
      h.map.getView().cancelAnimations()
      h.map.getView().setCenter(fromLonLat(saved.center))
      h.map.getView().setZoom(saved.zoom)
      if (saved.draft) reopenDraft(h.detail, saved.draft)
    })
  }
}

/** Resolves once the detail shows `number` (or after a while, whatever it shows). */
function whenReady(detail: HTMLElement, number: string): Promise<void> {
  const until = Date.now() + DRAFT_WAIT_MS
  return new Promise((resolve) => {
    const check = () => {
      if ((detail.dataset.number === number && detail.dataset.state) || Date.now() > until) resolve()
      else setTimeout(check, 100)
    }
    check()
  })
}

/** Opens the action's form again with what was typed and says why; an action no longer offered keeps the text as a notice. */
function reopenDraft(detail: HTMLElement, draft: Draft): void {
  const button = detail.querySelector<HTMLButtonElement>(`.actions button[data-action="${CSS.escape(draft.action)}"]`)
  if (!button) {
    const text = Object.values(draft.fields).filter(Boolean).join('；')
    const note = detail.querySelector<HTMLElement>('.notice')
    if (note && text) {
      note.textContent = `登录过期前未提交的内容（该操作当前不可执行）：${text}`
      note.className = 'notice'
    }
    return
  }
  button.click()
  const form = detail.querySelector<HTMLFormElement>('form.action-form')
  if (!form) return
  for (const [name, value] of Object.entries(draft.fields)) {
    const f = form.elements.namedItem(name)
    if (f instanceof HTMLInputElement || f instanceof HTMLTextAreaElement || f instanceof HTMLSelectElement) f.value = value
  }
  const error = form.querySelector<HTMLElement>('.error')
  if (error) error.textContent = DRAFT_MESSAGE
  form.dataset.state = 'restored'
}
