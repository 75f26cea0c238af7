// The residents' page's only contact with gridgov: /api/v1/public (no sign-in). Every call asks
// for Chinese, so a refusal's `detail` is the server's Chinese sentence (shown as it is); the
// follow tokens of this browser's reports are kept in localStorage (30 days, the server's term).
import { API_LANGUAGE, readProblem, refusalText, type Problem } from '../../src/client/problem.ts'

export const API = '/api/v1/public'

/** A refusal of the server (or of the network), with the sentence to show. */
export class PublicError extends Error {
  constructor(readonly problem: Problem, message: string) {
    super(message)
  }

  get status(): number {
    return this.problem.status
  }
}

const STATUS_WORDS: Record<number, string> = {
  400: '提交的内容有误', 401: '查询凭证无效或已过期，请重新获取验证码', 403: '无权访问', 404: '没有找到',
  409: '操作与当前状态冲突', 413: '上传的内容过大', 415: '文件格式不支持', 429: '操作过于频繁，请稍后再试',
}

/** The Chinese sentence of a refusal: the server's when it worded one, else the page's for the status. */
export function problemText(p: Problem): string {
  const base = refusalText(p, STATUS_WORDS[p.status] ?? '服务暂时不可用')
  const retry = Number(p.params?.retryAfter ?? NaN)
  return p.status === 429 && Number.isFinite(retry) && !/秒/.test(base) ? `${base}（约 ${Math.ceil(retry)} 秒后可再试）` : base
}

export interface CallOptions {
  method?: string
  json?: unknown
  form?: FormData
  token?: string
}

/** One call; a non-2xx answer throws PublicError with the sentence to show. */
export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': API_LANGUAGE }
  let body: BodyInit | undefined
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.json)
  } else if (opts.form) {
    body = opts.form // the browser sets multipart/form-data with its boundary
  }
  if (opts.token) headers['X-Follow-Token'] = opts.token
  let res: Response
  try {
    res = await fetch(`${API}${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body })
  } catch {
    const p: Problem = { status: 0, chinese: true, detail: '网络连接失败，请检查网络后重试' }
    throw new PublicError(p, p.detail!)
  }
  if (!res.ok) {
    const p = await readProblem(res)
    const after = Number(res.headers.get('retry-after'))
    if (res.status === 429 && after > 0) p.params = { ...p.params, retryAfter: p.params?.retryAfter ?? after }
    throw new PublicError(p, problemText(p))
  }
  if (res.status === 204) return undefined as T
  return await res.json() as T
}

/** The sentence of anything thrown by a call. */
export function errorText(err: unknown): string {
  if (err instanceof PublicError) return err.message
  return `出错了：${(err as Error)?.message ?? String(err)}`
}

// ---- the contract's shapes (see the services brief: public-api) ----

export interface CodeSent { expiresIn: number; resendAfter: number }
export interface Reported { number: string; followToken: string; status: string; statusName: string }
export interface Step { at: string; name: string }
export interface ReportView {
  number: string
  status: string
  statusName: string
  description: string
  reportedAt: string
  place: { lon: number; lat: number; crs?: string } | null
  steps: Step[]
  photos: { url: string }[]
  canEvaluate: boolean
  canAppeal: boolean
  evaluation: { satisfaction: Satisfaction; comment: string | null; at: string } | null
  appeal: { reason: string; at: string; number: string | null } | null
  answers: { articleId: number | string; title: string }[]
}
export type Satisfaction = 'satisfied' | 'basic' | 'dissatisfied'
export const SATISFACTION: Record<Satisfaction, string> = { satisfied: '满意', basic: '基本满意', dissatisfied: '不满意' }

export interface Notice { id: number | string; title: string; body?: string; bodyHtml?: string; publishedAt: string; category?: string | null; categoryName?: string | null }
export interface Article {
  id: number | string
  title: string
  /** the article's sanitised HTML (the knowledge helper's name; `body` accepted too) */
  bodyHtml?: string
  body?: string
  summary?: string | null
  /** a plain-text extract of the body around the search words (list items) */
  excerpt?: string | null
  category?: string | null
  publishedAt?: string | null
  updatedAt?: string | null
  [k: string]: unknown
}
export interface Page<T> { items: T[]; next: string | null }

// ---- this browser's follow tokens ----

const STORE = 'gridgov.public.follow'
const TOKEN_DAYS = 30

export interface Followed { number: string; token: string; savedAt: number }

export function followed(): Followed[] {
  let list: Followed[] = []
  try {
    const raw = JSON.parse(localStorage.getItem(STORE) ?? '[]') as unknown
    if (Array.isArray(raw)) list = raw.filter((f): f is Followed => typeof f?.number === 'string' && typeof f?.token === 'string')
  } catch {
    // a damaged entry: start again
  }
  const fresh = list.filter((f) => Date.now() - Number(f.savedAt) < TOKEN_DAYS * 86_400_000)
  return fresh.sort((a, b) => b.savedAt - a.savedAt)
}

export function tokenOf(number: string): string | undefined {
  return followed().find((f) => f.number === number)?.token
}

export function keepToken(number: string, token: string): void {
  const list = followed().filter((f) => f.number !== number)
  list.unshift({ number, token, savedAt: Date.now() })
  localStorage.setItem(STORE, JSON.stringify(list.slice(0, 50)))
}

export function forgetToken(number: string): void {
  localStorage.setItem(STORE, JSON.stringify(followed().filter((f) => f.number !== number)))
}

/** A photo's address with this report's token (an <img> cannot send the header). */
export function photoUrl(url: string, token: string): string {
  if (/[?&]token=/.test(url)) return url
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`
}

// ---- the sentences' helpers ----

const pad = (n: number) => String(n).padStart(2, '0')

/** 2026-12-03 14:05, in the phone's time zone. */
export function when(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export const PHONE = /^1[3-9]\d{9}$/
