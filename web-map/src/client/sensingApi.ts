// 感知, 舆情 and 用量: GET /api/v1/sensor-rules/incidents (sensor alarms with their readings),
// GET /api/v1/opinion/posts and /topics with POST …/accept and …/reject (public-opinion
// candidates), GET /api/v1/utility-usage/flags (utility-usage flags, register roles only).
import type { Session } from './api.ts'
import { send } from './casesApi.ts'

export interface Reading { id: number; time: string; result: number }
export interface Incident {
  id: number
  rule: { id: number; name: string; kind: 'threshold' | 'rate' | 'silence'; high: number | null; low: number | null; perMinute: number | null; silenceMinutes: number | null }
  thing: { id: number; name: string; kind: string; kindName: string; unit: string; lon: number | null; lat: number | null }
  datastream: { id: number; name: string }
  openedAt: string; lastAbnormalAt: string; closedAt: string | null; crossings: number; readings: Reading[]; eventNumber: string | null
}
export const fetchIncidents = (session: Session, state: 'open' | 'all') =>
  send<{ items: Incident[] }>(session, `/api/v1/sensor-rules/incidents?state=${state}&limit=100`)

export interface Post {
  id: number; feedName: string; title: string; content: string; link: string | null; publishedAt: string; keywords: string[]; places: string[]
  status: string; address: string | null; location: { lon: number; lat: number } | null; reason: string | null; eventNumber: string | null
}
export interface Topic { keyword: string; total: number; series: { period: string; posts: number }[] }
export const fetchPosts = (session: Session, status: string) => send<{ items: Post[] }>(session, `/api/v1/opinion/posts?status=${status}&limit=50`)
export const fetchTopics = (session: Session, from: string, to: string) =>
  send<{ topics: Topic[] }>(session, `/api/v1/opinion/topics?from=${from}&to=${to}&interval=day&limit=10`)
export const acceptPost = (session: Session, id: number, classCode: string, note: string) =>
  send<{ eventNumber: string }>(session, `/api/v1/opinion/posts/${id}/accept`, { method: 'POST', body: JSON.stringify(note ? { classCode, note } : { classCode }) })
export const rejectPost = (session: Session, id: number, reason: string) =>
  send<Post>(session, `/api/v1/opinion/posts/${id}/reject`, { method: 'POST', body: JSON.stringify({ reason }) })

export interface UsageFlag {
  id: number; householdNumber: string; communityCode: string; gridCode: string | null; utilityTitle: string; month: string
  kind: 'drop' | 'spike'; kindTitle: string; amount: number; baseline: number; loneElderly: boolean; notified: number
}
export const fetchFlags = (session: Session, month: string) =>
  send<{ items: UsageFlag[] }>(session, `/api/v1/utility-usage/flags?limit=200${month ? `&month=${month}` : ''}`)
