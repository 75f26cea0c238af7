// The clock rules of the fence engine: dwell (inside too long) and absent (outside too long
// while on duty). Pure; judged by the engine at every fix, before every flip, and by tick().
//
// dwell: inside continuously since `since` for ≥ dwellMinutes → one alert per stay. Its time is
//   since + dwellMinutes when the schedule is on then (the same instant whoever judges it, fix or
//   tick), otherwise the first judging time when the schedule is on.
// absent: outside continuously for ≥ absentMinutes AND the schedule on during all of the last
//   absentMinutes → one alert per absence; its time is absentMinutes after the later of `since`
//   and the start of the current on-duty stretch (so an inspector outside the grid all night is
//   reported absentMinutes after duty starts, not at the first fix of the morning).
// Schedules change on whole minutes (HH:MM, work periods), so checking each minute is exact.
// A null schedule means always: isActive is not consulted for it.
import type { FenceDef, FenceState, IsActive } from './engineTypes.ts'

const MINUTE = 60_000
// How far back absence looks for the start of the on-duty stretch (bounded work per alert).
const STRETCH_SCAN_MINUTES = 24 * 60

/** The dwell alert time if one is due at t, else null. */
export function dwellDue(fence: FenceDef, st: FenceState, t: number, isActive: IsActive): number | null {
  const m = fence.rules.dwellMinutes
  if (m === null || !st.inside || st.dwellAlerted) return null
  const due = st.since + m * MINUTE
  if (t < due) return null
  if (fence.schedule === null || isActive(fence, due)) return due
  return isActive(fence, t) ? t : null
}

/** The absence alert time if one is due at t, else null. */
export function absentDue(fence: FenceDef, st: FenceState, t: number, isActive: IsActive): number | null {
  const m = fence.rules.absentMinutes
  if (m === null || st.inside || st.absentAlerted) return null
  const from = t - m * MINUTE
  if (from < st.since) return null
  if (fence.schedule === null) return st.since + m * MINUTE
  if (!activeThroughout(fence, from, t, isActive)) return null
  return Math.max(st.since, stretchStart(fence, from, st.since, isActive)) + m * MINUTE
}

function activeThroughout(fence: FenceDef, a: number, b: number, isActive: IsActive): boolean {
  if (!isActive(fence, b)) return false
  for (let m = b - (b % MINUTE); m > a; m -= MINUTE) if (!isActive(fence, m)) return false
  return isActive(fence, a)
}

/** The first minute of the on stretch that contains a (known on), looking back no further than `since`. */
function stretchStart(fence: FenceDef, a: number, since: number, isActive: IsActive): number {
  let s = a - (a % MINUTE)
  for (let k = 0; k < STRETCH_SCAN_MINUTES; k++) {
    if (s <= since) return since
    if (!isActive(fence, s - MINUTE)) return s
    s -= MINUTE
  }
  return s
}
