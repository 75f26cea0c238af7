// The live stream handed to the command screen through our own origin. The page is locked to
// its origin (tiles/webmap.ts PAGE_CSP), and the media server usually sits on the video network,
// so the browser does not fetch HLS from the platform: the play answer carries `live`, a path
// under /api/v1/cameras/{id}/live/{ticket}/ that this module serves by fetching the playlist and
// its segments from the camera's HLS URL on the page's behalf.
//
// The ticket (camera, user, expiry, HMAC) lives in the path, so the playlist's relative segment
// URIs keep it without the player adding a header; each request still checks that the user
// exists, is enabled and sees the camera. Only files under the playlist's own directory are
// fetched, with a deadline and a size limit, and only HLS file types.
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { AppError, forbidden, notFound } from '../http/errors.ts'
import { findUserById, toPrincipal } from '../auth/users.ts'
import type { Role } from '../auth/roles.ts'
import { listCameras, type CameraRow } from './store.ts'

export const TICKET_TTL_SECONDS = 4 * 3600
const MAX_BYTES = 16 * 1024 * 1024
const TICKET = /^(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/
/** HLS files by extension: playlists, MPEG-TS and fMP4 segments, packed audio, subtitles. */
const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl', ts: 'video/mp2t', m4s: 'video/iso.segment', mp4: 'video/mp4', aac: 'audio/aac', vtt: 'text/vtt',
}
/** A file under the stream's directory (the route's one segment, decoded: nested paths arrive with their slashes). */
export const LIVE_FILE = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\/){0,4}[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\.(m3u8|ts|m4s|mp4|aac|vtt)$/

export class LiveTickets {
  private readonly key: Buffer
  constructor(secret: string) {
    // a key of its own, so a ticket can never be replayed as any other signed value
    this.key = crypto.createHmac('sha256', secret).update('gridgov camera live ticket').digest()
  }

  private mac(camera: number, user: number, exp: number): string {
    return crypto.createHmac('sha256', this.key).update(`${camera}.${user}.${exp}`).digest('base64url').slice(0, 22)
  }

  issue(camera: number, user: number, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + TICKET_TTL_SECONDS
    return `${camera}.${user}.${exp}.${this.mac(camera, user, exp)}`
  }

  /** The user id of a valid, unexpired ticket for this camera; 403 otherwise (saying nothing of which part failed). */
  verify(ticket: string, camera: number, now = Date.now()): number {
    const m = TICKET.exec(ticket)
    const [c, u, exp] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]
    const ok = m !== null && c === camera && exp * 1000 > now &&
      crypto.timingSafeEqual(Buffer.from(m[4]!), Buffer.from(this.mac(c, u, exp)))
    if (!ok) throw forbidden('the live-stream ticket is invalid or expired: start play again').coded('cameras.live_ticket')
    return u
  }
}

/**
 * The camera behind a ticket, as its user sees it now: the user's role must still read cameras
 * (`readers`: a ticket outlives a change of role by hours) and its jurisdiction hold the camera.
 */
export async function ticketCamera(knex: Knex, tickets: LiveTickets, ticket: string, camera: number, readers: readonly Role[]): Promise<CameraRow> {
  const userId = tickets.verify(ticket, camera)
  const user = await findUserById(knex, userId)
  if (user && !readers.includes(user.role)) throw forbidden('your role does not read cameras: the live-stream ticket is no longer valid').coded('cameras.live_ticket')
  const [row] = user && !user.disabled ? await listCameras(knex, toPrincipal(user, 'user'), { id: camera, limit: 1 }) : []
  if (!row) throw notFound(`no camera ${camera} in your jurisdiction`).coded('cameras.not_found', { id: camera })
  return row
}

const upstream = (detail: string, reason: string) => new AppError(502, 'bad_gateway', detail).coded('cameras.platform_error', { reason })

/**
 * One file of the stream: `file` resolved against the directory of the camera's HLS playlist URL.
 */
export async function fetchLiveFile(hlsUrl: string, file: string, timeoutMs: number): Promise<{ type: string; body: Buffer }> {
  const ext = LIVE_FILE.exec(file)?.[1]
  if (!ext) throw notFound(`no live file ${file.slice(0, 100)}`).coded('cameras.live_file', { file: file.slice(0, 100) })
  const base = new URL('./', hlsUrl)
  const target = new URL(file, base)
  if (!target.href.startsWith(base.href)) throw notFound(`no live file ${file}`).coded('cameras.live_file', { file })
  let res: Response
  try {
    res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' })
  } catch (err) {
    const name = (err as { name?: string }).name
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new AppError(504, 'gateway_timeout', `the media server did not answer within ${timeoutMs} ms`).coded('cameras.platform_timeout', { ms: timeoutMs })
    }
    throw new AppError(502, 'bad_gateway', 'the media server could not be reached').coded('cameras.platform_unreachable')
  }
  if (res.status === 404) {
    await res.body?.cancel()
    throw notFound(`the media server has no ${file}`).coded('cameras.live_file', { file })
  }
  const length = Number(res.headers.get('content-length') ?? 0)
  if (!res.ok || length > MAX_BYTES) {
    await res.body?.cancel()
    throw upstream(`the media server answered HTTP ${res.status} (${length} bytes)`, `HTTP ${res.status}`)
  }
  const body = Buffer.from(await res.arrayBuffer())
  if (body.length > MAX_BYTES) throw upstream('the media server answered more than 16 MB', 'too large')
  if (ext !== 'm3u8') return { type: TYPES[ext]!, body }
  const text = body.toString('utf8')
  if (!text.startsWith('#EXTM3U')) throw upstream('the media server answered a playlist that is not M3U8', 'not M3U8')
  // every URI (lines and URI="…" attributes) becomes one path segment relative to the stream's
  // directory, so the page asks for it here whatever the playlist's nesting; others stay and fail in the page
  const here = (uri: string) => {
    const u = new URL(uri, target)
    return u.href.startsWith(base.href) ? encodeURIComponent(u.href.slice(base.href.length).split(/[?#]/)[0]!) : uri
  }
  const relative = text.split('\n').map((line) => (line.startsWith('#')
    ? line.replace(/URI="([^"]+)"/g, (_, uri: string) => `URI="${here(uri)}"`)
    : line.trim() ? here(line.trim()) : line)).join('\n')
  return { type: TYPES.m3u8!, body: Buffer.from(relative, 'utf8') }
}
