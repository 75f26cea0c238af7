// GET /api/v1/search: one text → grouped hits (coordinate, event, grid, division, address,
// person), each with a point or an extent in EPSG:4490 and the id the page opens.
import type { Session } from './api.ts'

export interface SearchHit {
  kind: string
  id: string
  title: string
  subtitle: string
  match: 'exact' | 'prefix' | 'fuzzy'
  score: number
  point: [number, number] | null
  bbox: [number, number, number, number] | null
  extra?: Record<string, string | number | boolean | null>
}

export interface SearchGroup { group: string; title: string; items: SearchHit[] }
export interface SearchAnswer { query: string; tooShort: boolean; groups: SearchGroup[] }

/** The server's limits (server/search: MAX_QUERY_CHARS, MIN_QUERY_CHARS). */
export const MAX_QUERY_CHARS = 100
export const MIN_QUERY_CHARS = 2

export async function searchAll(session: Session, q: string, limit = 5): Promise<SearchAnswer> {
  const res = await session.fetch(`/api/v1/search?q=${encodeURIComponent(q)}&limit=${limit}`)
  if (!res.ok) throw new Error(res.status === 403 ? '当前角色无权搜索' : `搜索失败（服务器返回 ${res.status}）`)
  return await res.json() as SearchAnswer
}
