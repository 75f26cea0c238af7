// The staff app's calls to /api/v1 with the signed-in user's Bearer token (kept in localStorage,
// so a reload or an offline start keeps the session). Every call asks for Chinese: a refusal's
// detail is the server's Chinese sentence. A failed fetch (no network) is status 0, which the
// outbox reads as "try again later", never as a refusal.
import { API_LANGUAGE, readProblem, refusalText, type Problem } from '../../src/client/problem.ts'

const SESSION = 'gridgov.m.session'

export interface User { id: number; username: string; displayName: string; role: string; roleTitle?: string; departmentId?: number | null }
export interface Session { token: string; user: User }

export class ApiError extends Error {
  constructor(readonly problem: Problem, message: string) {
    super(message)
  }

  get status(): number {
    return this.problem.status
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '提交的内容有误', 401: '登录已过期，请重新登录', 403: '无权进行此操作', 404: '没有找到',
  409: '操作与当前状态冲突', 413: '上传的内容过大', 415: '文件格式不支持', 422: '操作不符合规定', 429: '操作过于频繁，请稍后再试',
}

export function session(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION) ?? 'null') as Session | null
    return s && typeof s.token === 'string' ? s : null
  } catch {
    return null
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(SESSION, JSON.stringify(s))
  else localStorage.removeItem(SESSION)
}

export interface CallOptions {
  method?: string
  json?: unknown
  body?: Blob
  headers?: Record<string, string>
}

/** One call; a non-2xx answer (or no network: status 0) throws ApiError with the sentence to show. */
export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const res = await request(path, opts)
  return (res.status === 204 ? undefined : await res.json()) as T
}

/** A call whose answer is text (a form's XML). */
export async function callText(path: string): Promise<string> {
  return (await request(path, { headers: { Accept: '*/*' } })).text()
}

async function request(path: string, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': API_LANGUAGE, ...opts.headers }
  const s = session()
  if (s) headers.Authorization = `Bearer ${s.token}`
  let body: BodyInit | undefined
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else if (opts.body) {
    headers['Content-Type'] = opts.body.type || 'application/octet-stream'
    body = opts.body
  }
  let res: Response
  try {
    res = await fetch(`/api/v1${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body })
  } catch {
    const p: Problem = { status: 0, chinese: true, detail: '网络不可用' }
    throw new ApiError(p, p.detail!)
  }
  if (!res.ok) {
    const p = await readProblem(res)
    throw new ApiError(p, refusalText(p, STATUS_WORDS[p.status] ?? '服务暂时不可用'))
  }
  return res
}

export async function login(username: string, password: string): Promise<Session> {
  const r = await call<{ token: string; user: User }>('/auth/login', { json: { username, password } })
  const s = { token: r.token, user: r.user }
  saveSession(s)
  return s
}
