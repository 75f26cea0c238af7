// The registers for the 登记 panel: what GET /api/v1/registers describes (each register's path,
// layer, columns and whether the caller may write), and the REST shape every register shares
// (server/registers/registry.ts): list by grid or search with a cursor, read, create, edit with
// the version read, and unmask with a reason. A refusal becomes a RegisterRefusal carrying the
// server's Chinese sentence and the fields it names.
import type { Geometry } from 'geojson'
import type { Session } from './api.ts'
import { readProblem, refusalText } from './problem.ts'

export type ColumnType = 'string' | 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum'
  | 'idNumber' | 'phone' | 'creditCode' | 'plate' | 'gridCode' | 'communityCode' | 'lon' | 'lat'

export interface RegisterColumn {
  name: string
  title: string
  type: ColumnType
  options?: Record<string, string>
  required: boolean
  readOnly: boolean
  list: boolean
  /** the kind of personal field (name, phone, idNumber, residentAddress): shown masked unless held */
  personal?: string
  maxLength?: number
}

export interface RegisterInfo {
  name: string
  title: string
  /** the register's REST collection, /api/v1/<name> */
  path: string
  /** its catalogue layer, when its rows have a place */
  layer?: string
  canWrite: boolean
  columns: RegisterColumn[]
}

export type Row = Record<string, unknown> & { id: number; version?: number }

export interface Page { items: Row[]; next: string | null }

export interface Unmasked { id: number; fields: string[]; audit?: { id: number; at: string }; [field: string]: unknown }

export interface ListFilter { grid?: string; q?: string; cursor?: string; limit?: number }

/** A refused request: the sentence to show, its status and the fields the server named. */
export class RegisterRefusal extends Error {
  constructor(message: string, readonly status: number, readonly fields: string[] = [], readonly code?: string) {
    super(message)
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '填写有误', 403: '无权操作', 404: '记录不存在或不在辖区内', 409: '记录已被他人修改，请重新打开后再改', 413: '内容过长', 422: '无法保存',
}

async function send<T>(session: Session, url: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers)
  headers.set('accept', 'application/json, application/problem+json')
  if (init.body) headers.set('content-type', 'application/json')
  const res = await session.fetch(url, { ...init, headers })
  if (res.ok) return await res.json() as T
  const p = await readProblem(res)
  const errors = Array.isArray(p.errors) ? p.errors as { field?: unknown }[] : []
  const fields = errors.map((e) => String(e.field ?? '').split('.')[0]!).filter(Boolean)
  throw new RegisterRefusal(refusalText(p, STATUS_WORDS[res.status] ?? '请求失败'), res.status, [...new Set(fields)], p.code)
}

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body) })
const one = (r: RegisterInfo, id: number, tail = '') => `${r.path}/${encodeURIComponent(String(id))}${tail}`

/** The registers this user may read, in the server's order. */
export async function listRegisters(session: Session): Promise<RegisterInfo[]> {
  return (await send<{ items: RegisterInfo[] }>(session, '/api/v1/registers')).items
}

export function listRows(session: Session, r: RegisterInfo, f: ListFilter): Promise<Page> {
  const q = new URLSearchParams()
  if (f.grid) q.set('grid', f.grid)
  if (f.q) q.set('q', f.q)
  if (f.cursor) q.set('cursor', f.cursor)
  q.set('limit', String(f.limit ?? 50))
  return send<Page>(session, `${r.path}?${q}`)
}

export const readRow = (session: Session, r: RegisterInfo, id: number) => send<Row>(session, one(r, id))

export const createRow = (session: Session, r: RegisterInfo, body: Record<string, unknown>) => send<Row>(session, r.path, json('POST', body))

/** An edit of the fields changed, with the version read (a stale one is refused: 409). */
export const updateRow = (session: Session, r: RegisterInfo, id: number, body: Record<string, unknown>) =>
  send<Row>(session, one(r, id), json('PATCH', body))

/** The row's personal fields in full, for a reason the access audit keeps. */
export const unmaskRow = (session: Session, r: RegisterInfo, id: number, reason: string) =>
  send<Unmasked>(session, one(r, id, '/unmask'), json('POST', { reason }))

export interface GridHit { code: string; name: string; communityCode: string; geometry: Geometry }

interface GridFeature { geometry: Geometry; properties: { code: string; name: string; communityCode: string } }
const hit = (f: GridFeature): GridHit => ({ code: f.properties.code, name: f.properties.name, communityCode: f.properties.communityCode, geometry: f.geometry })

/** The current base grid at a point (a tiny box around it), or null outside every grid of the user's area. */
export async function gridAt(session: Session, lon: number, lat: number): Promise<GridHit | null> {
  const d = 0.000001
  const bbox = [lon - d, lat - d, lon + d, lat + d].map((v) => v.toFixed(7)).join(',')
  const fc = await send<{ features: GridFeature[] }>(session, `/api/v1/grids?kind=base&limit=2&bbox=${bbox}`)
  return fc.features[0] ? hit(fc.features[0]) : null
}

/** A current base grid by its code (404: not in the user's area). */
export async function gridNamed(session: Session, code: string): Promise<GridHit> {
  return hit(await send<GridFeature>(session, `/api/v1/grids/${encodeURIComponent(code)}`))
}
