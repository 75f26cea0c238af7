// 会商/会办/提级会商 and the 72-hour plan: GET/POST /api/v1/meetings, GET/PATCH /api/v1/meetings/{id},
// POST …/decisions, POST …/decisions/{seq}/done and GET /api/v1/meetings/decisions (overdue ones).
import type { Session } from './api.ts'
import { send, type MeetingHead } from './casesApi.ts'

export type MeetingKind = 'consult' | 'joint' | 'escalated' | 'plan_72h'
export const MEETING_KINDS: [MeetingKind, string][] = [['consult', '会商'], ['joint', '会办'], ['escalated', '提级会商'], ['plan_72h', '72小时处置计划']]

export interface Decision {
  id: number; meetingId: number; seq: number; text: string; owner: { code: string; name: string }; dueAt: string; state: 'open' | 'done'
  overdue: boolean; doneAt: string | null; result: string | null; meeting: { kind: string; title: string; eventNumber: string | null }; mayClose: boolean
}
export interface Meeting extends Omit<MeetingHead, 'decisions'> { minutes: string | null; decisions: Decision[] }
export interface NewDecision { text: string; owner: string; dueAt: string }
export interface NewMeeting {
  kind: MeetingKind; title: string; eventNumber?: string; areaCode?: string; startsAt: string; place?: string; units: string[]; minutes?: string; decisions: NewDecision[]
}

export const fetchMeetings = (session: Session) => send<{ items: MeetingHead[] }>(session, '/api/v1/meetings?limit=100')
export const fetchDecisions = (session: Session, overdue: boolean) => send<{ items: Decision[] }>(session, `/api/v1/meetings/decisions?state=open&overdue=${overdue}&limit=100`)
export const fetchMeeting = (session: Session, id: number) => send<Meeting>(session, `/api/v1/meetings/${id}`)
export const createMeeting = (session: Session, b: NewMeeting) => send<Meeting>(session, '/api/v1/meetings', { method: 'POST', body: JSON.stringify(b) })
export const saveMinutes = (session: Session, id: number, minutes: string) => send<Meeting>(session, `/api/v1/meetings/${id}`, { method: 'PATCH', body: JSON.stringify({ minutes }) })
export const addDecision = (session: Session, id: number, d: NewDecision) => send<Meeting>(session, `/api/v1/meetings/${id}/decisions`, { method: 'POST', body: JSON.stringify({ decisions: [d] }) })
export const closeDecision = (session: Session, id: number, seq: number, result: string) =>
  send<Meeting>(session, `/api/v1/meetings/${id}/decisions/${seq}/done`, { method: 'POST', body: JSON.stringify({ result }) })
