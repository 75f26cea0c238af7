// The page's only contact with gridgov: sign-in, authorised fetches and the TileJSON.
// The token lives in this object only (never localStorage or a cookie): closing or reloading
// the page signs the user out, which is what a shared command-centre screen wants.
import { API_LANGUAGE, readProblem } from './problem.ts'

/** One layer of a TileJSON 3.0.0 `vector_layers` list. */
export interface VectorLayerInfo {
  id: string
  /** Chinese title of the layer (the catalogue title). */
  description: string
  minzoom: number
  maxzoom: number
  /** attribute name → "中文标题 (type)" */
  fields: Record<string, string>
}

export interface TileJson {
  name: string
  minzoom: number
  maxzoom: number
  /** lon/lat extent of the caller's jurisdiction */
  bounds: [number, number, number, number]
  center: [number, number, number]
  vector_layers: VectorLayerInfo[]
}

export interface User {
  username: string
  displayName: string | null
  role: string
  roleTitle: string
  /** admin code prefixes of the user's area (city 4 digits, district 6, street 9, community 12) */
  jurisdiction?: string[]
  /** what the page may offer this role, named by the server (server/auth/capabilities.ts; ui/roles.ts reads it) */
  capabilities?: string[]
}

/** A sign-in that failed, with the Chinese message to show. */
export class LoginError extends Error {}

/** Chinese message for a failed login response. */
export function loginErrorMessage(status: number): string {
  if (status === 401) return '用户名或密码错误'
  if (status === 400) return '请输入用户名和密码'
  if (status === 429) return '登录尝试过多，请稍后再试'
  return `登录失败（服务器返回 ${status}）`
}

/** Roles that may read analytics and the analysis layers (server/analytics/routes.ts ANALYTICS_READERS). */
export const ANALYTICS_ROLES = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst', 'department', 'external_system']

export class Session {
  private token: string | null = null
  user: User | null = null
  /** Called once when the server rejects the token (expired, revoked), with the user it belonged to. */
  onExpired: (user: User | null) => void = () => undefined

  get signedIn(): boolean {
    return this.token !== null
  }

  async login(username: string, password: string): Promise<User> {
    let res: Response
    try {
      res = await fetch('/api/v1/auth/login', {
        method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': API_LANGUAGE },
        body: JSON.stringify({ username, password }),
      })
    } catch {
      throw new LoginError('无法连接服务器，请检查网络')
    }
    if (!res.ok) {
      // the server's Chinese sentence (wrong password, empty field …), else the page's own words
      const p = await readProblem(res)
      throw new LoginError(p.chinese && p.detail ? p.detail : loginErrorMessage(res.status))
    }
    const body = await res.json() as { token: string; user: User }
    this.token = body.token
    this.user = body.user
    return body.user
  }

  /** Revokes the token on the server (best effort) and forgets it. */
  async logout(): Promise<void> {
    const token = this.token
    this.token = null
    this.user = null
    if (token) await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined)
  }

  /** fetch with the Bearer token; a 401 ends the session. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    if (!this.token) throw new Error('not signed in')
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${this.token}`)
    // refusals come back worded in Chinese (client/problem.ts)
    if (!headers.has('accept-language')) headers.set('accept-language', API_LANGUAGE)
    const res = await fetch(url, { ...init, headers })
    if (res.status === 401 && this.token) {
      const user = this.user
      this.token = null
      this.user = null
      this.onExpired(user)
    }
    return res
  }

  /**
   * The analysis layers (heat map, hot spots) the user may read: served apart from `all`, each
   * with a TileJSON of its own; a role without analytics (403) or an older server (404) has none.
   */
  async analysisLayers(ids: readonly string[]): Promise<VectorLayerInfo[]> {
    // only roles that read analytics ask, so others see no 403 in the console (the server's list when it sends one)
    const allowed = this.user?.capabilities ? this.user.capabilities.includes('analysisLayers') : ANALYTICS_ROLES.includes(this.user?.role ?? '')
    if (!allowed) return []
    const found = await Promise.all(ids.map(async (id) => {
      const res = await this.fetch(`/tiles/${id}.json`)
      return res.ok ? (await res.json() as TileJson).vector_layers : []
    }))
    return found.flat()
  }

  /** The TileJSON of every layer this server offers (bounds narrowed to the user's area). */
  async tileJson(): Promise<TileJson> {
    const res = await this.fetch('/tiles/all.json')
    if (!res.ok) throw new Error(`图层目录加载失败（${res.status}）`)
    return await res.json() as TileJson
  }
}
