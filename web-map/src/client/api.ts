// The page's only contact with gridgov: sign-in, authorised fetches and the TileJSON.
// The token lives in this object only (never localStorage or a cookie): closing or reloading
// the page signs the user out, which is what a shared command-centre screen wants.
// Access tokens are short (15 min by default): the refresh token renews them before they end and
// on a 401, so only an ended session (logged out, revoked, idle: 等保 timeout) returns to the
// sign-in. A request no person asked for (a timer: no key, click or wheel in the last minute) says
// so (X-Background-Request: 1), so a page left alone still times out on the server.
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

/** A person is at the page while an input came within this time (server/auth/sessions.ts counts only their requests as use). */
const ACTIVE_MS = 60_000
let lastInput = Date.now()
// (typed without the DOM library: the server's tests import this module under Node too)
const doc = (globalThis as { document?: { addEventListener(type: string, f: () => void, o: object): void } }).document
for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
  doc?.addEventListener(type, () => { lastInput = Date.now() }, { capture: true, passive: true })
}

interface TokenAnswer { token: string; refreshToken?: string; user: User }

/** Seconds between iat and exp of a JWT (server time on both sides, so no clock skew), or undefined. */
function lifetimeSeconds(token: string): number | undefined {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { iat?: number; exp?: number }
    return typeof claims.exp === 'number' && typeof claims.iat === 'number' ? claims.exp - claims.iat : undefined
  } catch {
    return undefined
  }
}

export class Session {
  private token: string | null = null
  private refreshToken: string | null = null
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private refreshing: Promise<boolean> | null = null
  user: User | null = null
  /** Called once when the server ends the session (revoked, idle, refresh refused), with the user it belonged to. */
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
    const body = await res.json() as TokenAnswer
    this.accept(body)
    return body.user
  }

  /** Keeps a new pair and renews it at four fifths of the access token's life. */
  private accept(body: TokenAnswer): void {
    this.token = body.token
    this.refreshToken = body.refreshToken ?? null
    this.user = body.user
    clearTimeout(this.refreshTimer)
    const life = lifetimeSeconds(body.token)
    if (this.refreshToken && life) this.refreshTimer = setTimeout(() => void this.renew(), Math.max(5, life * 0.8) * 1000)
  }

  private forget(): void {
    clearTimeout(this.refreshTimer)
    this.token = this.refreshToken = null
    this.user = null
    this.refreshing = null
  }

  /** Spends the refresh token for a new pair (one at a time: concurrent 401s share it); false when the session has ended. */
  private renew(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const refreshToken = this.refreshToken
      if (!refreshToken) return false
      try {
        const res = await fetch('/api/v1/auth/refresh', {
          method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': API_LANGUAGE },
          body: JSON.stringify({ refreshToken }),
        })
        if (!res.ok) return false
        if (this.refreshToken === refreshToken) this.accept(await res.json() as TokenAnswer)
        return true
      } catch {
        return false
      } finally {
        this.refreshing = null
      }
    })()
    return this.refreshing
  }

  /** Revokes the token on the server (best effort) and forgets it. */
  async logout(): Promise<void> {
    const token = this.token
    this.forget()
    if (token) await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined)
  }

  /** fetch with the Bearer token; a 401 renews the token once and tries again, and ends the session when that fails. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    if (!this.token) throw new Error('not signed in')
    const send = (token: string) => {
      const headers = new Headers(init.headers)
      headers.set('authorization', `Bearer ${token}`)
      // refusals come back worded in Chinese (client/problem.ts)
      if (!headers.has('accept-language')) headers.set('accept-language', API_LANGUAGE)
      if (Date.now() - lastInput > ACTIVE_MS) headers.set('x-background-request', '1')
      return fetch(url, { ...init, headers })
    }
    const sent = this.token
    let res = await send(sent)
    if (res.status === 401 && this.token) {
      // another request may have renewed it meanwhile; else renew now
      const renewed = this.token !== sent || await this.renew()
      if (renewed && this.token) res = await send(this.token)
      if (res.status === 401 && this.token) {
        const user = this.user
        this.forget()
        this.onExpired(user)
      }
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
