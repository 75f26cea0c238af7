// Posts in and out of the database: the operator's list (candidates inside the caller's
// jurisdiction; unlocated and irrelevant posts have no place, so only city-wide roles see them),
// and the two decisions. Accepting goes through intake with an Idempotency-Key derived from the
// post, so a double click or a retry after a lost answer finds the same event, never a second one.
import type { Knex } from 'knex'
import type { Principal } from '../auth/users.ts'
import { AppError, notFound } from '../http/errors.ts'
import { intake } from '../events/intake.ts'

export const OPINION_CHANNEL = 'public_opinion'

export interface PostRow {
  id: number; feed_id: number; feed_name: string; city_code: string; title: string; content: string; link: string | null; author: string | null
  published_at: Date; keywords: string[]; places: string[]; relevant: boolean; address: string | null; geocoded: Record<string, unknown> | null
  community_code: string | null; lon: number | null; lat: number | null; status: string; reason: string | null
  event_number: string | null; decided_at: Date | null
}

const columns = (knex: Knex) => [
  'p.id', 'p.feed_id', 'f.name as feed_name', 'p.city_code', 'p.title', 'p.content', 'p.link', 'p.author', 'p.published_at', 'p.keywords', 'p.places',
  'p.relevant', 'p.address', 'p.geocoded', 'p.community_code', knex.raw('ST_X(p.geom) AS lon'), knex.raw('ST_Y(p.geom) AS lat'), 'p.status', 'p.reason',
  'e.number as event_number', 'p.decided_at',
]

/** Whether the principal sees every post of its city (unlocated ones have no area to scope them). */
const cityWide = (p: Principal) => p.cityCode !== null && p.jurisdiction.covers(`${p.cityCode}000000`)

function scoped(knex: Knex, p: Principal): Knex.QueryBuilder {
  const q = knex('opinion_post as p').join('opinion_feed as f', 'f.id', 'p.feed_id').leftJoin('event as e', 'e.id', 'p.event_id')
    .where('p.city_code', p.cityCode ?? '-')
  if (cityWide(p)) return q
  return p.jurisdiction.apply(q, 'p.community_code')
}

export async function listPosts(knex: Knex, p: Principal, o: { status: string; limit: number; before?: number | undefined }): Promise<PostRow[]> {
  const q = scoped(knex, p).where('p.status', o.status).orderBy('p.id', 'desc').limit(o.limit).select(columns(knex))
  if (o.before) q.where('p.id', '<', o.before)
  return await q as PostRow[]
}

export async function getPost(knex: Knex, p: Principal, id: number): Promise<PostRow> {
  const row = await scoped(knex, p).where('p.id', id).first(columns(knex)) as PostRow | undefined
  if (!row) throw notFound(`no post ${id} in your jurisdiction`).coded('opinion.not_found', { id })
  return row
}

function undecided(row: PostRow): void {
  if (row.status !== 'candidate') {
    throw new AppError(409, 'conflict', `post ${row.id} is ${row.status}, not a candidate`).coded('opinion.not_candidate', { id: row.id, status: row.status })
  }
}

export async function acceptPost(knex: Knex, p: Principal, id: number, b: { classCode?: string | undefined; demandType: string; priority: number; note?: string | undefined }) {
  const row = await getPost(knex, p, id)
  // an accepted post answers its event again (the same request repeated), anything else decided is a conflict
  if (row.status !== 'accepted') undecided(row)
  const description = [b.note, `【网络舆情】${row.title}`, row.content !== row.title ? row.content : null, row.link ? `来源：${row.link}` : null]
    .filter(Boolean).join('\n').slice(0, 4000)
  const r = await intake(knex, p, {
    channel: OPINION_CHANNEL, demandType: b.demandType, ...(b.classCode ? { classCode: b.classCode } : {}), description, priority: b.priority,
    location: { x: Number(row.lon), y: Number(row.lat), crs: 'EPSG:4490' }, ...(row.address ? { address: row.address } : {}),
    externalRef: `opinion:${row.id}`,
  }, `opinion-post-${row.id}`)
  const event = await knex('event').where({ number: r.number }).first('id') as { id: number }
  await knex('opinion_post').where({ id: row.id, status: 'candidate' })
    .update({ status: 'accepted', event_id: event.id, decided_by: p.userId, decided_at: knex.fn.now() })
  return { post: await getPost(knex, p, id), eventNumber: r.number, replayed: r.status === 200 || row.status === 'accepted' }
}

export async function rejectPost(knex: Knex, p: Principal, id: number, reason: string): Promise<PostRow> {
  const row = await getPost(knex, p, id)
  undecided(row)
  const n = await knex('opinion_post').where({ id, status: 'candidate' }).update({ status: 'rejected', reason, decided_by: p.userId, decided_at: knex.fn.now() })
  if (n === 0) undecided(await getPost(knex, p, id)) // decided meanwhile by someone else
  return getPost(knex, p, id)
}

export const postView = (r: PostRow) => ({
  id: Number(r.id), feedId: Number(r.feed_id), feedName: r.feed_name, title: r.title, content: r.content, link: r.link, author: r.author,
  publishedAt: r.published_at.toISOString(), keywords: r.keywords, places: r.places, relevant: r.relevant, status: r.status,
  address: r.address, geocoded: r.geocoded, communityCode: r.community_code,
  location: r.lon === null ? null : { lon: Number(r.lon), lat: Number(r.lat), crs: 'EPSG:4490' },
  reason: r.reason, eventNumber: r.event_number, decidedAt: r.decided_at?.toISOString() ?? null,
})
