// Reading one feed: fetch (a time limit and a size limit: a feed host that hangs or streams
// forever costs one pass, not the server), parse, assess each new item and store it. An item
// already stored for the feed (same id/guid, else link, else text) is skipped before it is
// assessed, and the insert is ON CONFLICT DO NOTHING, so two passes at once cannot double it.
import type { Knex } from 'knex'
import { parseFeed, FeedFormatError, type FeedItem } from './feeds.ts'
import { assess } from './relevance.ts'
import { fetchPublic, InternalTargetError } from '../http/outbound.ts'

export const FEED_TIMEOUT_MS = 10_000
export const FEED_MAX_BYTES = 5 * 1024 * 1024
/** Items further in the future than this are dated now (a feed's clock or typo, not a prophecy). */
const FUTURE_SLACK_MS = 24 * 3600_000

export interface FeedRow { id: number; city_code: string; name: string; url: string }
export interface PullResult { feedId: number; fetched: number; added: number; relevant: number; candidates: number; error: string | null }

/** Who may be read: internal networks allowed by configuration (none by default). */
export interface PullOptions { allowedNetworks?: readonly string[]; now?: Date }

async function fetchText(url: string, allowed: readonly string[]): Promise<string> {
  const res = await fetchPublic(url, { signal: AbortSignal.timeout(FEED_TIMEOUT_MS), headers: { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json, application/xml;q=0.9, */*;q=0.5' } }, allowed)
  if (!res.ok || !res.body) throw new FeedFormatError(`the feed answered HTTP ${res.status}`)
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length
    if (size > FEED_MAX_BYTES) throw new FeedFormatError(`the feed is larger than ${FEED_MAX_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function store(knex: Knex, feed: FeedRow, item: FeedItem, now: Date): Promise<{ added: boolean; relevant: boolean; candidate: boolean }> {
  const a = await assess(knex, feed.city_code, item.title, item.content)
  const status = !a.relevant ? 'irrelevant' : a.match ? 'candidate' : 'unlocated'
  const published = item.published.getTime() > now.getTime() + FUTURE_SLACK_MS ? now : item.published
  const m = a.match
  const rows = await knex('opinion_post').insert({
    feed_id: feed.id, city_code: feed.city_code, item_key: item.key, title: item.title.slice(0, 500) || item.content.slice(0, 60),
    content: item.content, link: item.link?.slice(0, 2000) ?? null, author: item.author?.slice(0, 200) ?? null, published_at: published,
    keywords: a.keywords, places: a.places.slice(0, 20), relevant: a.relevant, address: a.address, status,
    geocoded: m ? JSON.stringify({ id: m.id, matched: m.address, score: m.score, level: m.level }) : null,
    community_code: m?.communityCode ?? null,
    geom: m ? knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [m.lon, m.lat]) : null,
  }).onConflict(['feed_id', 'item_key']).ignore().returning('id')
  return { added: rows.length > 0, relevant: a.relevant, candidate: rows.length > 0 && status === 'candidate' }
}

/** Reads one feed now; a failure is recorded on the feed (last_error) and answered, not thrown. */
export async function pullFeed(knex: Knex, feed: FeedRow, opts: PullOptions = {}): Promise<PullResult> {
  const now = opts.now ?? new Date()
  const out: PullResult = { feedId: Number(feed.id), fetched: 0, added: 0, relevant: 0, candidates: 0, error: null }
  try {
    const items = parseFeed(await fetchText(feed.url, opts.allowedNetworks ?? []), now)
    out.fetched = items.length
    const known = new Set((await knex('opinion_post').where({ feed_id: feed.id }).whereIn('item_key', items.map((i) => i.key)).select('item_key') as { item_key: string }[])
      .map((r) => r.item_key))
    const seen = new Set<string>()
    for (const item of items) {
      if (known.has(item.key) || seen.has(item.key)) continue
      seen.add(item.key)
      const r = await store(knex, feed, item, now)
      if (r.added) out.added++
      if (r.added && r.relevant) out.relevant++
      if (r.candidate) out.candidates++
    }
  } catch (e) {
    out.error = e instanceof FeedFormatError || e instanceof InternalTargetError ? e.message : e instanceof Error && e.name === 'TimeoutError' ? `no answer within ${FEED_TIMEOUT_MS} ms`
      : `could not be read: ${(e as Error).message.slice(0, 200)}`
  }
  await knex('opinion_feed').where({ id: feed.id }).update({ last_pulled_at: now, last_error: out.error })
  return out
}
