// Small DOM helpers of the staff app (no framework: the app's first load stays small).

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>

/** An element with attributes (on* keys are listeners) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (v === true) el.setAttribute(k, '')
    else el.setAttribute(k, String(v))
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c)
  return el
}

export function message(text: string, kind: 'error' | 'ok' | 'info' = 'info'): HTMLElement {
  return h('p', { class: `msg msg-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text)
}

/** The phone's position (WGS-84, as the Geolocation API gives it), or null when refused or unavailable. */
export function locate(timeout = 10_000): Promise<GeolocationPosition | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null)
  return new Promise((resolve) => navigator.geolocation.getCurrentPosition(resolve, () => resolve(null),
    { enableHighAccuracy: true, timeout, maximumAge: 30_000 }))
}

const NONE = '未选择照片'

/**
 * A photo picker worded in Chinese: the file input (hidden, still the form's field) behind a
 * button-like label, and what was picked. The browser's own file button speaks the browser's
 * language, not the page's.
 */
export function photoPicker(name: string, multiple = true): HTMLElement {
  const picked = h('span', { class: 'picked' }, NONE)
  const input = h('input', { name, type: 'file', accept: 'image/*', capture: 'environment', multiple, class: 'visually-hidden' })
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])]
    picked.textContent = files.length ? `已选 ${files.length} 张：${files.map((f) => f.name).join('、')}` : NONE
  })
  return h('span', { class: 'picker' }, input, h('span', { class: 'pick-button' }, '拍照 / 选择照片'), picked)
}

/** After form.reset(): the pickers say nothing is picked again. */
export function clearPickers(form: HTMLFormElement): void {
  for (const p of form.querySelectorAll('.picked')) p.textContent = NONE
}

export const fmtTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString('zh-CN', { hour12: false }) : '—')

/** A cache of the last answers read (queues, an event, the class list) for reading them offline. */
export const cache = {
  get<T>(key: string): T | null {
    try {
      return JSON.parse(localStorage.getItem(`gridgov.m.cache.${key}`) ?? 'null') as T | null
    } catch {
      return null
    }
  },
  set(key: string, v: unknown): void {
    try {
      localStorage.setItem(`gridgov.m.cache.${key}`, JSON.stringify(v))
    } catch {
      // storage full: the cache is only a convenience
    }
  },
}
