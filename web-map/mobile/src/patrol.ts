// 巡查: while on patrol the phone's fixes (Geolocation watchPosition, WGS-84) are kept in
// localStorage and sent in batches to /api/v1/positions (the field force's positions API). A
// batch sent twice is harmless: the server answers a fix of the same device and instant as a
// duplicate, so the track is cleared only after an answer and a lost answer costs nothing.
import { ApiError, call } from './api.ts'

const KEY = 'gridgov.m.track'
const BATCH = 500
let watch: number | null = null
let timer: ReturnType<typeof setInterval> | null = null

interface Fix { lon: number; lat: number; time: string; accuracy: number; speed?: number; bearing?: number }

const read = (): Fix[] => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as Fix[]
  } catch {
    return []
  }
}

export const patrolling = () => watch !== null
export const unsentFixes = () => read().length

export async function sendTrack(): Promise<void> {
  for (;;) {
    const fixes = read()
    if (!fixes.length || !navigator.onLine) return
    const batch = fixes.slice(0, BATCH)
    try {
      await call('/positions', { json: { crs: 'EPSG:4326', positions: batch } })
    } catch (e) {
      // 422: none accepted (e.g. all too old or outside the city): dropping them is the only way forward
      if (!(e instanceof ApiError) || e.status !== 422) return
    }
    localStorage.setItem(KEY, JSON.stringify(read().slice(batch.length)))
  }
}

export function startPatrol(onFix: (n: number) => void): void {
  if (watch !== null || !('geolocation' in navigator)) return
  watch = navigator.geolocation.watchPosition((p) => {
    const fix: Fix = { lon: p.coords.longitude, lat: p.coords.latitude, time: new Date(p.timestamp).toISOString(), accuracy: p.coords.accuracy }
    if (p.coords.speed !== null) fix.speed = p.coords.speed
    if (p.coords.heading !== null && !Number.isNaN(p.coords.heading)) fix.bearing = p.coords.heading
    const all = read()
    all.push(fix)
    localStorage.setItem(KEY, JSON.stringify(all.slice(-20_000)))
    onFix(all.length)
  }, () => undefined, { enableHighAccuracy: true, maximumAge: 5_000 })
  timer = setInterval(() => void sendTrack(), 30_000)
}

export async function stopPatrol(): Promise<void> {
  if (watch !== null) navigator.geolocation.clearWatch(watch)
  if (timer !== null) clearInterval(timer)
  watch = null
  timer = null
  await sendTrack()
}
