// 消息: GET /api/v1/inbox (the signed-in user's own notices), POST /api/v1/inbox/read, and the
// quiet hours of GET/PUT /api/v1/inbox/settings. New notices arrive on the stream as "inbox".
import type { Session } from './api.ts'
import { readProblem, refusalText } from './problem.ts'

export interface InboxItem {
  id: number; kind: string; kindName: string; title: string; body: string | null; eventId: string | null; areaCode: string | null
  link: string | null; createdAt: string; deliverAt: string; held: boolean; read: boolean; readAt: string | null
}
export interface InboxPage { items: InboxItem[]; unread: number; next: string | null }
export interface InboxSettings { quietStart: string | null; quietEnd: string | null; timeZone: string; externalAddress: string | null }

async function send<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const res = await session.fetch(url, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) } })
  if (!res.ok) throw new Error(refusalText(await readProblem(res), '操作失败'))
  return await res.json() as T
}

export const fetchInbox = (session: Session, unreadOnly: boolean, before?: number) =>
  send<InboxPage>(session, `/api/v1/inbox?${new URLSearchParams({ limit: '50', ...(unreadOnly ? { unread: 'true' } : {}), ...(before ? { before: String(before) } : {}) })}`)
export const markRead = (session: Session, ids: number[]) => send<{ marked: number; unread: number }>(session, '/api/v1/inbox/read', { method: 'POST', body: JSON.stringify({ ids }) })
export const markAllRead = (session: Session) => send<{ marked: number; unread: number }>(session, '/api/v1/inbox/read', { method: 'POST', body: JSON.stringify({ all: true }) })
export const fetchSettings = (session: Session) => send<InboxSettings>(session, '/api/v1/inbox/settings')
export const saveSettings = (session: Session, s: InboxSettings) => send<InboxSettings>(session, '/api/v1/inbox/settings', { method: 'PUT', body: JSON.stringify(s) })
