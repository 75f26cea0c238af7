// The event replay answer (GET /api/v1/events/{number}/replay) and the arithmetic of a player:
// where each member was at an instant (linear between the track's timed vertices, nowhere in a
// gap), and the SLA clock at that instant. Pure: the panel and the tests share it.
export interface ReplayPiece { coordinates: [number, number][]; times: string[] }
export interface ReplayMember {
  member: { id: number; name: string; assigned: boolean }
  kilometres: number
  track: ReplayPiece[]
  fenceAlerts: { id: number; kind: string; fenceName: string; at: string; lon: number; lat: number }[]
}
export interface ReplayAnswer {
  event: { number: string; className: string; lon: number; lat: number; createdAt: string; closedAt: string | null }
  from: string; to: string
  clock: { startedAt: string | null; signDueAt: string | null; signedAt: string | null; handleDueAt: string | null; stoppedAt: string | null }
  history: { seq: number; action: string; at: string; actor: { name: string; role: string }; comment: string | null }[]
  members: ReplayMember[]
  timeline: { at: string; type: 'history' | 'fenceAlert' | 'deadline'; index: number; member?: number; deadline?: string }[]
}

/** A member's place at instant t (ms): interpolated inside a piece, null before, after or between pieces. */
export function positionAt(track: readonly ReplayPiece[], t: number): [number, number] | null {
  for (const piece of track) {
    const times = piece.times.map(Date.parse)
    if (!times.length || t < times[0]! || t > times[times.length - 1]!) continue
    let i = 0
    while (i < times.length - 1 && times[i + 1]! < t) i++
    const [a, b] = [piece.coordinates[i]!, piece.coordinates[Math.min(i + 1, times.length - 1)]!]
    const span = times[Math.min(i + 1, times.length - 1)]! - times[i]!
    const f = span > 0 ? (t - times[i]!) / span : 0
    return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f]
  }
  return null
}

export type ClockState = { phase: 'not_started' | 'running' | 'stopped'; deadline: 'sign' | 'handle' | null; leftMs: number | null }

/**
 * The SLA clock at instant t: not started before dispatch; stopped at closing; while running, the
 * time left to the deadline that applies (signing until signed, then handling; negative: overdue).
 */
export function clockAt(c: ReplayAnswer['clock'], t: number): ClockState {
  const at = (s: string | null) => (s === null ? null : Date.parse(s))
  const started = at(c.startedAt), stopped = at(c.stoppedAt), signed = at(c.signedAt)
  if (started === null || t < started) return { phase: 'not_started', deadline: null, leftMs: null }
  const phase = stopped !== null && t >= stopped ? 'stopped' : 'running'
  const signing = c.signDueAt !== null && (signed === null || t < signed)
  const due = signing ? at(c.signDueAt) : at(c.handleDueAt)
  const now = phase === 'stopped' ? stopped! : t
  return { phase, deadline: due === null ? null : signing ? 'sign' : 'handle', leftMs: due === null ? null : due - now }
}

/** "2小时05分", "超时 35分" for a span of milliseconds. */
export function spanText(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000)
  const text = minutes >= 60 * 24 ? `${Math.floor(minutes / 1440)}天${Math.floor((minutes % 1440) / 60)}小时`
    : minutes >= 60 ? `${Math.floor(minutes / 60)}小时${String(minutes % 60).padStart(2, '0')}分` : `${minutes}分`
  return ms < 0 ? `超时 ${text}` : text
}
