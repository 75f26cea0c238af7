// 数据目录 and 资源申请: GET /api/v1/catalogue (search and filters), GET/PATCH …/entries/{id},
// GET/POST …/applications, POST …/applications/{id}/approve|reject|revoke, GET …/{id}/usage.
import type { Session } from './api.ts'
import { send } from './casesApi.ts'

export type EntryKind = 'layer' | 'api' | 'dataset'
export type Classification = 'public' | 'internal' | 'sensitive'
export type Sharing = 'unconditional' | 'conditional' | 'none'
export const KIND_TITLES: Record<EntryKind, string> = { layer: '图层', api: '接口', dataset: '数据集' }
export const CLASSIFICATION_TITLES: Record<Classification, string> = { public: '公开', internal: '内部', sensitive: '敏感' }
export const SHARING_TITLES: Record<Sharing, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' }

export interface EntryField { name: string; title?: string; type?: string; personal?: boolean }
export interface Entry {
  id: string; kind: EntryKind; title: string; description: string; owner: string; fields: EntryField[]; updateFrequency: string
  classification: Classification; classificationTitle: string; sharing: Sharing; sharingTitle: string
  access: { operations: string[]; layers: string[] }; holders?: string[]; edited: { by: string | null; at: string } | null
}
export interface EntryPage { items: Entry[]; total: number; limit: number; offset: number }
export interface Filter { q: string; kind: string; classification: string; sharing: string }
export type EntryEdit = Partial<Pick<Entry, 'owner' | 'updateFrequency' | 'classification' | 'sharing' | 'description'>>

export type AppState = 'submitted' | 'approved' | 'rejected' | 'revoked'
export interface AppKey { id: number; prefix: string; scopes: string[]; expiresAt: string | null; revokedAt: string | null; lastUsedAt: string | null; replacedBy: number | null }
export interface Application {
  id: number; state: AppState; stateTitle: string; systemName: string; purpose: string; applicant: string | null; resources: string[]; areas: string[]
  validDays: number; submittedAt: string; reviewedAt: string | null; reviewComment: string | null; revokedAt: string | null; revokeReason: string | null; keys: AppKey[]
}
/** The key an approval issues: its secret is in this answer only. */
export interface IssuedKey { id: number; key: string; scopes: string[]; expiresAt: string; operations: string[]; excluded: string[]; layers: string[]; areas: string[] }
export interface Use { at: string; keyId: number; method: string; path: string; action: string; status: number | null; clientAddress: string | null }
export interface NewApplication { systemName: string; purpose: string; resources: string[]; areas: string[]; validDays: number }

const enc = encodeURIComponent
const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) })

export function fetchEntries(session: Session, f: Filter, offset: number, limit = 50): Promise<EntryPage> {
  const q = new URLSearchParams({ limit: String(limit), offset: String(offset) })
  for (const k of ['q', 'kind', 'classification', 'sharing'] as const) if (f[k].trim()) q.set(k, f[k].trim())
  return send<EntryPage>(session, `/api/v1/catalogue?${q.toString()}`)
}
export const fetchEntry = (session: Session, id: string) => send<Entry>(session, `/api/v1/catalogue/entries/${enc(id)}`)
export const editEntry = (session: Session, id: string, edit: EntryEdit) =>
  send<Entry>(session, `/api/v1/catalogue/entries/${enc(id)}`, { method: 'PATCH', body: JSON.stringify(edit) })

export const fetchApplications = (session: Session, state: string) =>
  send<{ items: Application[] }>(session, `/api/v1/catalogue/applications?limit=100${state ? `&state=${state}` : ''}`)
export const fetchApplication = (session: Session, id: number) => send<Application>(session, `/api/v1/catalogue/applications/${id}`)
export const applyFor = (session: Session, a: NewApplication) => send<Application>(session, '/api/v1/catalogue/applications', post(a))
export const approveApplication = (session: Session, id: number, comment: string) =>
  send<{ application: Application; key: IssuedKey }>(session, `/api/v1/catalogue/applications/${id}/approve`, post(comment ? { comment } : {}))
export const rejectApplication = (session: Session, id: number, comment: string) =>
  send<Application>(session, `/api/v1/catalogue/applications/${id}/reject`, post({ comment }))
export const revokeApplication = (session: Session, id: number, comment: string) =>
  send<Application>(session, `/api/v1/catalogue/applications/${id}/revoke`, post({ comment }))
export const fetchUsage = (session: Session, id: number) =>
  send<{ application: number; items: Use[] }>(session, `/api/v1/catalogue/applications/${id}/usage?limit=200`)
