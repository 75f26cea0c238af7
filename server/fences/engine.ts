// The electronic-fence engine: which fences watch a device, and what its fixes do to them.
// Pure (no database): the caller loads fences and states, and stores the states and alerts.
//
// Semantics, per (device, fence):
// * State inside/outside; no state row means outside since forever.
// * Band h = max(3 m, 2 × accuracy) for a fix (accuracy null → 10 m), capped at 100 m; a
//   segment between two fixes uses the larger band of its two ends.
// * Trajectory aware: the segment prev → fix is walked exactly (segment.ts). From outside the
//   device ENTERS where the segment first gets deeper than h inside; from inside it EXITS where
//   it first gets farther than h outside; several flips may happen in one segment (a concave
//   fence, a segment passing straight through one). The alert's time and place are the last
//   crossing of the real boundary before the flip point, the time interpolated linearly along
//   the segment (the segment start when the crossing was in an earlier segment). Without a
//   previous fix only the fix itself is tested.
// * enter/exit alert only when the rule is on and the schedule is on at the crossing time;
//   the state is tracked regardless. dwell/absent: see engineClock.ts. A flip starts a new stay
//   or absence: since = crossing time, both alerted flags cleared.
// * Fixes at or before state.lastFixAt are ignored, so a replayed fix never alerts twice.
// * Returned states are the changed ones only: a flip, an alert, or a new row (a row is only
//   created by a flip, or for a fence with an absence rule, whose clock needs `since` = the
//   first fix seen). A state that saw fixes but did not change is not returned (its lastFixAt
//   stays at the fix that last changed it: one row write per device and fence saved per fix;
//   replaying an unchanged stretch changes nothing either).
// Speed: fences are indexed by their lon/lat box (flatbush); a batch of fixes only walks the
// fences its bounding box comes within the largest band of, and the watchers of a device are
// cached by (member, community).
import Flatbush from 'flatbush'
import type { DeviceRef, FenceAlertOut, FenceDef, FenceState, Fix, IsActive } from './engineTypes.ts'
import { marginDegrees, prepareFence, signedDistance, type PreparedFence } from './geometry.ts'
import { SegmentWalker, type Flip } from './segment.ts'
import { absentDue, dwellDue } from './engineClock.ts'

export type { DeviceRef, FenceAlertOut, FenceDef, FenceRules, FenceSchedule, FenceState, Fix, IsActive } from './engineTypes.ts'

export const MIN_BAND_M = 3
export const MAX_BAND_M = 100
export const DEFAULT_ACCURACY_M = 10
const WATCHER_CACHE_MAX = 50_000
// Up to this many watching fences, testing their boxes one by one beats an index search.
const DIRECT_BOX_TESTS = 32

/** The hysteresis band of one fix, in metres. */
export function bandOf(accuracy: number | null): number {
  const a = accuracy !== null && Number.isFinite(accuracy) && accuracy >= 0 ? accuracy : DEFAULT_ACCURACY_M
  return Math.min(MAX_BAND_M, Math.max(MIN_BAND_M, 2 * a))
}

interface Result { alerts: FenceAlertOut[]; states: FenceState[] }

export class FenceIndex {
  private readonly fences: FenceDef[]
  private readonly prepared: PreparedFence[]
  private readonly boxes: Flatbush | null
  private readonly byMember = new Map<number, number[]>()
  private readonly byPrefix = new Map<string, number[]>()
  private readonly prefixLengths: number[]
  private readonly watchers = new Map<string, number[]>()
  private readonly watchersOfDevice = new Map<number, { memberId: number | null; community: string; list: number[] }>()
  private readonly near: Uint32Array
  private stamp = 0
  /** degrees per metre at the fences' highest latitude (a track near a fence is at its latitude) */
  private readonly degPerM: { dLon: number; dLat: number }
  private readonly walker = new SegmentWalker()

  constructor(fences: FenceDef[], private readonly isActive: IsActive) {
    // a fence without a ring (never stored by the fences API) can watch nothing
    fences = fences.filter((f) => f.geom.coordinates.some((poly) => poly.some((ring) => ring.length > 1)))
    this.fences = fences
    this.prepared = fences.map((f) => prepareFence(f.geom))
    this.near = new Uint32Array(fences.length)
    this.boxes = fences.length ? new Flatbush(fences.length) : null
    for (const p of this.prepared) this.boxes?.add(p.lonMin, p.latMin, p.lonMax, p.latMax)
    this.boxes?.finish()
    fences.forEach((f, i) => {
      if (f.memberIds.length) for (const m of f.memberIds) push(this.byMember, m, i)
      else push(this.byPrefix, f.adminPrefix, i)
    })
    this.prefixLengths = [...new Set([...this.byPrefix.keys()].map((p) => p.length))]
    this.degPerM = marginDegrees(1, this.prepared.reduce((m, p) => Math.max(m, Math.abs(p.latMin), Math.abs(p.latMax)), 0))
  }

  /** Fences that watch this device: memberIds contains its member, or memberIds is empty and community starts with adminPrefix. */
  appliesTo(device: DeviceRef): FenceDef[] {
    return this.watching(device).map((i) => this.fences[i]!)
  }

  /** One device's in-order valid fixes after `prev` (null: none before); states: current rows by fence id. */
  evaluate(device: DeviceRef, prev: Fix | null, fixes: Fix[], states: Map<number, FenceState>): Result {
    const out: Result = { alerts: [], states: [] }
    const watching = this.watching(device)
    if (!fixes.length || !watching.length) return out
    const stamp = this.markNear(watching, prev, fixes)
    for (const i of watching) {
      const fence = this.fences[i]!
      const old = states.get(fence.id)
      const near = this.near[i] === stamp
      // far from the whole track, outside and without an absence clock: nothing can happen
      if (!near && !old?.inside && (fence.rules.absentMinutes === null || old?.absentAlerted)) continue
      this.runFence(i, near, old, prev, fixes, out)
    }
    out.alerts.sort((a, b) => a.at - b.at || a.fenceId - b.fenceId)
    return out
  }

  /** Clock-only pass (scheduler): dwell and absence for a device that stopped reporting. `last`
   *  (an extension of the contract, optional): its last known place, for the alert; without it
   *  the alert is placed at a point inside the fence. */
  tick(device: DeviceRef, states: Map<number, FenceState>, now: number, last?: { lon: number; lat: number } | null): Result {
    const out: Result = { alerts: [], states: [] }
    for (const i of this.watching(device)) {
      const fence = this.fences[i]!, old = states.get(fence.id)
      if (!old) continue
      const st = { ...old }
      const p = this.prepared[i]!
      if (this.judgeClock(fence, st, now, last?.lon ?? p.labelLon, last?.lat ?? p.labelLat, out)) out.states.push(st)
    }
    out.alerts.sort((a, b) => a.at - b.at || a.fenceId - b.fenceId)
    return out
  }

  private runFence(i: number, near: boolean, old: FenceState | undefined, prev: Fix | null, fixes: Fix[], out: Result): void {
    const fence = this.fences[i]!
    const st: FenceState = old ? { ...old } : {
      fenceId: fence.id, inside: false, since: (prev ?? fixes[0]!).t, lastFixAt: -Infinity, dwellAlerted: false, absentAlerted: false,
    }
    let dirty = !old && fence.rules.absentMinutes !== null
    let a = prev
    for (const b of fixes) {
      if (b.t <= st.lastFixAt) { a = b; continue }
      if (near || st.inside) dirty = this.walkSegment(i, st, a, b, out) || dirty
      dirty = this.judgeClock(fence, st, b.t, b.lon, b.lat, out) || dirty
      st.lastFixAt = b.t
      a = b
    }
    if (dirty) out.states.push(st)
  }

  /** Walks a → b (b alone without a); applies the flips to st; true when it flipped. */
  private walkSegment(i: number, st: FenceState, a: Fix | null, b: Fix, out: Result): boolean {
    const fence = this.fences[i]!, p = this.prepared[i]!
    const h = a ? Math.max(bandOf(a.accuracy), bandOf(b.accuracy)) : bandOf(b.accuracy)
    const s = a ?? b
    const ax = (s.lon - p.lon0) * p.kx, ay = (s.lat - p.lat0) * p.ky
    const bx = (b.lon - p.lon0) * p.kx, by = (b.lat - p.lat0) * p.ky
    this.walker.walk(p, ax, ay, bx, by, h, st.inside)
    const flips = this.walker.flips
    for (let k = 0; k < flips.length; k++) {
      const f = flips[k]!
      // whole milliseconds: the time is stored and compared (a replayed alert is the same row)
      const at = Math.round(s.t + f.sCross * (b.t - s.t))
      const lon = s.lon + f.sCross * (b.lon - s.lon), lat = s.lat + f.sCross * (b.lat - s.lat)
      // the stay or absence that this flip ends may have run long enough first
      this.judgeClock(fence, st, at, lon, lat, out)
      const kind = f.enter ? 'enter' : 'exit'
      if (fence.rules[kind] && this.isActive(fence, at)) {
        const depth = depthReached(p, f, flips[k + 1]?.sFlip ?? 1, ax, ay, bx, by)
        out.alerts.push({
          fenceId: fence.id, kind, at, lon, lat,
          detail: { from: a ? new Date(a.t).toISOString() : null, to: new Date(b.t).toISOString(), band: round1(h), depth: round1(depth) },
        })
      }
      st.inside = f.enter
      st.since = at
      st.dwellAlerted = false
      st.absentAlerted = false
    }
    return flips.length > 0
  }

  /** Dwell and absence at instant t (place lon/lat); true when an alert was raised. */
  private judgeClock(fence: FenceDef, st: FenceState, t: number, lon: number, lat: number, out: Result): boolean {
    const dwell = dwellDue(fence, st, t, this.isActive)
    if (dwell !== null) {
      st.dwellAlerted = true
      out.alerts.push({ fenceId: fence.id, kind: 'dwell', at: dwell, lon, lat, detail: clockDetail(st, fence.rules.dwellMinutes!) })
      return true
    }
    const absent = absentDue(fence, st, t, this.isActive)
    if (absent !== null) {
      st.absentAlerted = true
      out.alerts.push({ fenceId: fence.id, kind: 'absent', at: absent, lon, lat, detail: clockDetail(st, fence.rules.absentMinutes!) })
      return true
    }
    return false
  }

  private watching(device: DeviceRef): number[] {
    // by device first (no key to build on the hot path), then by what decides it
    const byDevice = this.watchersOfDevice.get(device.deviceId)
    if (byDevice && byDevice.memberId === device.memberId && byDevice.community === device.community) return byDevice.list
    const key = `${device.memberId ?? ''}|${device.community}`
    let list = this.watchers.get(key)
    if (!list) {
      list = device.memberId === null ? [] : [...(this.byMember.get(device.memberId) ?? [])]
      for (const len of this.prefixLengths) {
        if (len <= device.community.length) list.push(...(this.byPrefix.get(device.community.slice(0, len)) ?? []))
      }
      list = [...new Set(list)].sort((a, b) => a - b)
      if (this.watchers.size >= WATCHER_CACHE_MAX) this.watchers.clear()
      this.watchers.set(key, list)
    }
    if (this.watchersOfDevice.size >= WATCHER_CACHE_MAX) this.watchersOfDevice.clear()
    this.watchersOfDevice.set(device.deviceId, { memberId: device.memberId, community: device.community, list })
    return list
  }

  /** Marks the watching fences whose box the track's box comes within the largest band of; returns the mark. */
  private markNear(watching: number[], prev: Fix | null, fixes: Fix[]): number {
    const stamp = ++this.stamp
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, h = 0
    for (let k = prev ? -1 : 0; k < fixes.length; k++) {
      const f = k < 0 ? prev! : fixes[k]!
      if (f.lon < x0) x0 = f.lon
      if (f.lon > x1) x1 = f.lon
      if (f.lat < y0) y0 = f.lat
      if (f.lat > y1) y1 = f.lat
      h = Math.max(h, bandOf(f.accuracy))
    }
    x0 -= (h + 1) * this.degPerM.dLon; x1 += (h + 1) * this.degPerM.dLon
    y0 -= (h + 1) * this.degPerM.dLat; y1 += (h + 1) * this.degPerM.dLat
    if (watching.length > DIRECT_BOX_TESTS || !this.boxes) {
      // many watchers (area fences over a whole city): ask the index
      for (const i of this.boxes?.search(x0, y0, x1, y1) ?? []) this.near[i] = stamp
      return stamp
    }
    for (const i of watching) {
      const p = this.prepared[i]!
      if (p.lonMin <= x1 && p.lonMax >= x0 && p.latMin <= y1 && p.latMax >= y0) this.near[i] = stamp
    }
    return stamp
  }
}

/** The greatest depth on the new side reached after the flip, until the next flip or the segment's
 *  end: sampled, then refined about the best sample (alerts only, so a few hundred distance scans). */
function depthReached(p: PreparedFence, f: Flip, until: number, ax: number, ay: number, bx: number, by: number): number {
  const depth = (s: number) => {
    const d = signedDistance(p, ax + s * (bx - ax), ay + s * (by - ay))
    return f.enter ? d : -d
  }
  const steps = Math.min(64, Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) * (until - f.sFlip))))
  const step = (until - f.sFlip) / steps
  let best = f.sFlip, bestD = -Infinity
  for (let k = 0; k <= steps; k++) {
    const d = depth(f.sFlip + k * step)
    if (d > bestD) { bestD = d; best = f.sFlip + k * step }
  }
  // the distance is 1-Lipschitz along the segment: a ternary search about the best sample finds the local peak
  let lo = Math.max(f.sFlip, best - step), hi = Math.min(until, best + step)
  for (let k = 0; k < 24; k++) {
    const m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3
    if (depth(m1) < depth(m2)) lo = m1
    else hi = m2
  }
  return Math.max(bestD, depth((lo + hi) / 2))
}

function clockDetail(st: FenceState, minutes: number): Record<string, unknown> {
  return { since: new Date(st.since).toISOString(), minutes }
}

const round1 = (x: number) => Math.round(x * 10) / 10

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}
