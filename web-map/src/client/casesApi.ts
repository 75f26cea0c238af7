// 疑难, 并联办 and 办理质量: GET /api/v1/hard-cases (the register), GET /api/v1/hard-cases/events/{n}
// (one event's marking, reasons, 批示, parts and meetings), POST …/instructions (a leader's 批示),
// GET /api/v1/parallel/{n} and GET /api/v1/quality/events/{n} (score, parts and reviews).
import type { Session } from './api.ts'
import { readProblem, refusalText } from './problem.ts'

export type ReasonRule = 'bounces' | 'overdue' | 'units' | 'manual'
export interface Reason { rule: ReasonRule; value?: number; threshold?: number }

export interface HardCase {
  number: string; status: string; statusTitle: string; class: { code: string; name: string }; communityCode: string; description: string
  source: 'rule' | 'manual'; reasons: Reason[]; note: string | null; markedAt: string; markedBy: string | null; clearedAt: string | null
  instructions: number; handleDueAt: string | null
}
export interface Instruction { id: number; leaderName: string; leaderTitle: string | null; text: string; dueAt: string | null; issuedAt: string }
export interface Part {
  id: number; unit: { code: string; name: string }; task: string; dueAt: string; state: 'open' | 'done' | 'withdrawn'; overdue: boolean
  startedAt: string; doneAt: string | null; result: string | null
}
export interface Parts { number: string; status: string; open: number; parts: Part[] }
export interface MeetingHead {
  id: number; kind: string; kindTitle: string; title: string; areaCode: string; eventNumber: string | null; startsAt: string; place: string | null
  convener: string; units: { code: string; name: string }[]; decisions: number; openDecisions: number; overdueDecisions: number
}
export interface CaseDetail {
  number: string
  marking: { source: string; reasons: Reason[]; note: string | null; markedAt: string; markedBy: string | null; open: boolean; clearedAt: string | null; clearNote: string | null } | null
  measures: { bounces: number; overdueHours: number; units: number; reasons: Reason[] } | null
  instructions: Instruction[]; parallel: Parts; meetings: MeetingHead[]
}
export interface Review { id: number; source: 'department' | 'centre' | 'follow_up'; score: number; comment: string | null; reviewer: string; createdAt: string }
export interface Quality {
  number: string; status: string; satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null; score: number | null
  parts: { department: number | null; centre: number | null; evaluation: number | null; followUp: number | null; resident: number | null }
  weights: { version: number; department: number; centre: number; resident: number; followUpShare: number }
  reviews: Review[]
}

export async function send<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const res = await session.fetch(url, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } })
  if (!res.ok) throw new Error(res.status === 403 && !init.body ? '当前角色无权查看' : refusalText(await readProblem(res), init.body ? '操作失败' : '加载失败'))
  return await res.json() as T
}

const n = (number: string) => encodeURIComponent(number)
export const fetchHardCases = (session: Session, state: 'open' | 'all') => send<{ items: HardCase[] }>(session, `/api/v1/hard-cases?state=${state}&limit=100`)
export const fetchCase = (session: Session, number: string) => send<CaseDetail>(session, `/api/v1/hard-cases/events/${n(number)}`)
export const fetchParts = (session: Session, number: string) => send<Parts>(session, `/api/v1/parallel/${n(number)}`)
export const fetchQuality = (session: Session, number: string) => send<Quality>(session, `/api/v1/quality/events/${n(number)}`)
export const recordInstruction = (session: Session, number: string, b: { text: string; leaderName?: string; leaderTitle?: string; dueAt?: string }) =>
  send<Instruction>(session, `/api/v1/hard-cases/events/${n(number)}/instructions`, { method: 'POST', body: JSON.stringify(b) })

export interface MyPart extends Part { number: string }
export const fetchMyParts = (session: Session, state: 'open' | 'all') => send<{ items: MyPart[] }>(session, `/api/v1/parallel?state=${state}&limit=100`)
export const finishPart = (session: Session, number: string, id: number, result: string) =>
  send<Parts>(session, `/api/v1/parallel/${n(number)}/parts/${id}/done`, { method: 'POST', body: JSON.stringify({ result }) })

/** 人工认定: POST /api/v1/hard-cases/events/{number}/mark (centre and district). */
export const markHardCase = (session: Session, number: string, note: string) =>
  send<unknown>(session, `/api/v1/hard-cases/events/${n(number)}/mark`, { method: 'POST', body: JSON.stringify({ note }) })
/** 专业评价 (department), 中心评价 and 追评 (centre): POST /api/v1/quality/events/{number}/reviews. */
export const recordReview = (session: Session, number: string, b: { source: Review['source']; score: number; comment?: string }) =>
  send<unknown>(session, `/api/v1/quality/events/${n(number)}/reviews`, { method: 'POST', body: JSON.stringify(b) })
/** 发起并联办: POST /api/v1/parallel/{number}/parts (desks). */
export const startParts = (session: Session, number: string, parts: { departmentCode: string; task: string; dueAt: string }[]) =>
  send<Parts>(session, `/api/v1/parallel/${n(number)}/parts`, { method: 'POST', body: JSON.stringify({ parts }) })
