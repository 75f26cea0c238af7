// 重点公示: the REST calls of exemplary cases (/api/v1/exemplary-cases) and of the cases offered
// beside an event (/api/v1/events/{number}/similar-cases), their types (the fields the page reads)
// and the Chinese words for their codes. Requests ask for Chinese: a refusal reads as the server
// words it (its coded message), never as markup.
import type { Session } from './api.ts'

/** The server's PINNERS and READERS (server/exemplary/schemas.ts); the browser test checks they agree. */
export const PINNER_ROLES = ['command_center', 'district_staff']
export const CASE_READER_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst']
/** Statuses in which an event may be pinned (server PINNABLE). */
export const PINNABLE_STATUSES = ['closed', 'evaluated']

export interface Step {
  seq: number; action: string; actor: { role: string; name: string }; at: string; comment: string | null; attachments: number
  note: { code: string; params: Record<string, string | number | boolean | null> } | null
}

export interface Timing {
  reportedAt: string | null; dispatchedAt: string | null; closedAt: string | null; handleDueAt: string | null
  takenMinutes: number | null; limitMinutes: number | null; totalMinutes: number | null; onTime: boolean | null
}

export interface Handling {
  steps: Step[]; extended: boolean
  evaluation: { satisfaction: string | null; at: string; actor: { role: string; name: string }; comment: string | null } | null
}

export interface CaseEvent {
  number: string; class: { code: string; name: string }; description: string; address: string | null
  location: { coordinates: [number, number] }; communityCode: string; communityName: string | null; status: string; statusTitle: string
  satisfaction: string | null
}

export interface CaseItem {
  id: number; title: string; summary: string; reason: string; tags: string[]; event: CaseEvent
  pinnedBy: { id: number; name: string }; pinnedAt: string; onShow: boolean
  withdrawn: { at: string; by: { name: string | null }; reason: string | null } | null
  stillWellHandled: boolean; timing: Timing; handling?: Handling
}

export interface Score {
  total: number
  class: { value: number; weight: number; match: 'small' | 'big' | 'none' }
  distance: { value: number; weight: number; metres: number; halfMetres: number }
  text: { value: number; weight: number; words: { shared: string[]; event: number; case: number; dice: number }; characters: { dice: number } }
}

export interface SimilarCase extends Omit<CaseItem, 'onShow' | 'withdrawn' | 'stillWellHandled'> { handling: Handling; score: Score }

/** A refused call, with the server's (Chinese) detail. */
export class CaseError extends Error {
  constructor(readonly status: number, message: string) { super(message) }
}

const zh = { accept: 'application/json', 'accept-language': 'zh-CN' }

async function call<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const res = await session.fetch(url, { ...init, headers: { ...zh, ...(init.headers as Record<string, string> | undefined) } })
  if (!res.ok) {
    let detail = ''
    try {
      const p = await res.json() as { detail?: unknown }
      if (typeof p.detail === 'string') detail = p.detail
    } catch {
      // not JSON: the status alone
    }
    throw new CaseError(res.status, detail ? `${detail}（${res.status}）` : `请求失败（${res.status}）`)
  }
  return await res.json() as T
}

export const similarCases = (session: Session, number: string, limit = 5) =>
  call<{ items: SimilarCase[] }>(session, `/api/v1/events/${encodeURIComponent(number)}/similar-cases?limit=${limit}`)

export interface CaseQuery { state?: 'on_show' | 'withdrawn' | 'all'; q?: string; classCode?: string; limit?: number; cursor?: string }

export function listCases(session: Session, query: CaseQuery = {}) {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v))
  return call<{ items: CaseItem[]; next: string | null }>(session, `/api/v1/exemplary-cases?${params}`)
}

export const readCase = (session: Session, id: number) => call<CaseItem>(session, `/api/v1/exemplary-cases/${id}`)

export interface PinInput { event: string; title: string; summary: string; reason: string; tags: string[] }

export const pinCase = (session: Session, body: PinInput) =>
  call<CaseItem>(session, '/api/v1/exemplary-cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

export function withdrawCase(session: Session, id: number, reason: string) {
  const q = reason ? `?${new URLSearchParams({ reason })}` : ''
  return call<CaseItem>(session, `/api/v1/exemplary-cases/${id}${q}`, { method: 'DELETE' })
}

/** "3小时12分" / "2天4小时" / "45分". */
export function span(minutes: number | null): string {
  if (minutes === null) return '—'
  const m = Math.max(0, Math.round(minutes))
  const d = Math.floor(m / 1440)
  const h = Math.floor((m % 1440) / 60)
  return d ? `${d}天${h}小时` : h ? `${h}小时${m % 60}分` : `${m}分`
}

/** "850 米" / "2.4 公里". */
export function metresText(m: number): string {
  return m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} 公里`
}

export const CLASS_MATCH_TITLES: Record<string, string> = { small: '同小类', big: '同大类', none: '类别不同' }
