// The adapter to the city's video platform, spoken as wvp-GB28181-pro's HTTP API: sign in
// (GET /api/user/login, the password sent as its MD5), then start play of a device channel
// (GET /api/play/start/{deviceId}/{channelId} with the access-token header), whose answer
// {code, msg, data} carries the stream's URLs (flv, hls, rtc …). Each call has a deadline: a
// platform that does not answer in time is a 504, one that answers wrongly a 502, so the
// command screen can tell "the platform is slow" from "the platform refused".
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../http/errors.ts'

const envSchema = z.object({
  GRIDGOV_VIDEO_PLATFORM_URL: z.string().max(500).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').optional(),
  GRIDGOV_VIDEO_PLATFORM_USER: z.string().min(1).max(100).default('admin'),
  GRIDGOV_VIDEO_PLATFORM_PASSWORD: z.string().max(200).default(''),
  GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(100).max(120_000)).default(10_000),
})

export interface PlatformSettings { url: string; user: string; password: string; timeoutMs: number }

/** The platform named by the environment, or undefined when none is configured; a bad value throws naming its key. */
export function platformFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformSettings | undefined {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const i = parsed.error.issues[0]!
    throw new Error(`configuration ${i.path.join('.')}: ${i.message}`)
  }
  const e = parsed.data
  if (!e.GRIDGOV_VIDEO_PLATFORM_URL) return undefined
  return { url: e.GRIDGOV_VIDEO_PLATFORM_URL.replace(/\/+$/, ''), user: e.GRIDGOV_VIDEO_PLATFORM_USER, password: e.GRIDGOV_VIDEO_PLATFORM_PASSWORD, timeoutMs: e.GRIDGOV_VIDEO_PLATFORM_TIMEOUT_MS }
}

export interface LiveStream { hls: string | null; flv: string | null; webrtc: string | null; app: string | null; stream: string | null }

// coded by the caller with a literal (the message catalogue test reads the codes from the source)
const failure = (status: 502 | 504, detail: string) => new AppError(status, status === 504 ? 'gateway_timeout' : 'bad_gateway', detail)

// wvp versions answer a URL either as a string or as {url, …} (StreamURL)
const urlOf = (v: unknown): string | null => {
  if (typeof v === 'string' && /^(https?|wss?):\/\//.test(v)) return v
  if (v && typeof v === 'object' && typeof (v as { url?: unknown }).url === 'string') return urlOf((v as { url: string }).url)
  return null
}

export class VideoPlatform {
  private token: string | undefined

  constructor(private readonly s: PlatformSettings) {}

  private async call(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { code?: unknown; msg?: unknown; data?: unknown } }> {
    let res: Response
    try {
      res = await fetch(`${this.s.url}${path}`, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(this.s.timeoutMs) })
    } catch (err) {
      const name = (err as { name?: string }).name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw failure(504, `the video platform did not answer within ${this.s.timeoutMs} ms`).coded('cameras.platform_timeout', { ms: this.s.timeoutMs })
      }
      throw failure(502, 'the video platform could not be reached').coded('cameras.platform_unreachable')
    }
    if (res.status === 401) return { status: 401, body: {} }
    let body: unknown
    try {
      body = await res.json()
    } catch (err) {
      if ((err as { name?: string }).name === 'TimeoutError') throw failure(504, `the video platform did not answer within ${this.s.timeoutMs} ms`).coded('cameras.platform_timeout', { ms: this.s.timeoutMs })
      throw failure(502, `the video platform answered ${res.status} without JSON`).coded('cameras.platform_error', { reason: `HTTP ${res.status}` })
    }
    if (!res.ok || !body || typeof body !== 'object') throw failure(502, `the video platform answered HTTP ${res.status}`).coded('cameras.platform_error', { reason: `HTTP ${res.status}` })
    return { status: res.status, body: body as { code?: unknown; msg?: unknown; data?: unknown } }
  }

  private async login(): Promise<string> {
    const md5 = createHash('md5').update(this.s.password).digest('hex')
    const q = new URLSearchParams({ username: this.s.user, password: md5 })
    const { status, body } = await this.call(`/api/user/login?${q}`)
    const token = (body.data as { accessToken?: unknown } | undefined)?.accessToken
    if (status === 401 || body.code !== 0 || typeof token !== 'string') {
      throw failure(502, 'the video platform refused our sign-in').coded('cameras.platform_login_failed', { reason: String(body.msg ?? status).slice(0, 200) })
    }
    this.token = token
    return token
  }

  /** Starts play of a device channel and answers its URLs; signs in again once when the token has expired. */
  async startPlay(deviceId: string, channelId: string): Promise<LiveStream> {
    const path = `/api/play/start/${encodeURIComponent(deviceId)}/${encodeURIComponent(channelId)}`
    let r = await this.call(path, { 'access-token': this.token ?? await this.login() })
    if (r.status === 401 || r.body.code === 401) r = await this.call(path, { 'access-token': await this.login() })
    if (r.body.code !== 0 || !r.body.data || typeof r.body.data !== 'object') {
      const reason = String(r.body.msg ?? r.body.code).slice(0, 200)
      throw failure(502, `the video platform could not play ${deviceId}/${channelId}: ${reason}`).coded('cameras.platform_error', { reason })
    }
    const d = r.body.data as Record<string, unknown>
    const out: LiveStream = {
      hls: urlOf(d.hls) ?? urlOf(d.https_hls), flv: urlOf(d.flv) ?? urlOf(d.https_flv), webrtc: urlOf(d.rtc) ?? urlOf(d.rtcs),
      app: typeof d.app === 'string' ? d.app : null, stream: typeof d.stream === 'string' ? d.stream : null,
    }
    if (!out.hls && !out.flv && !out.webrtc) throw failure(502, 'the video platform answered no stream URL').coded('cameras.platform_error', { reason: 'no URL' })
    return out
  }
}
