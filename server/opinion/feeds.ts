// A feed document → its items, whatever the format: RSS 2.0, Atom 1.0 and JSON Feed 1.1 are told
// apart by content (the root element or the `version` URL), not by the Content-Type, which feed
// hosts often get wrong. XML is read with fast-xml-parser, which never fetches external entities
// (a feed is untrusted text); markup inside items is stripped to plain text.
import { XMLParser } from 'fast-xml-parser'
import crypto from 'node:crypto'
import sanitizeHtml from 'sanitize-html'

export interface FeedItem {
  /** id / guid, else link, else a hash of title and text: what makes two readings the same post */
  key: string
  title: string
  content: string
  link: string | null
  author: string | null
  published: Date
}

export class FeedFormatError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: true,
  removeNSPrefix: true, isArray: (name) => name === 'item' || name === 'entry' || name === 'link',
})

const MAX_TEXT = 8000
const plain = (v: unknown): string => {
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v)
    : v && typeof v === 'object' && '#text' in v ? String((v as { '#text': unknown })['#text']) : ''
  return sanitizeHtml(s, { allowedTags: [], allowedAttributes: {} }).replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT)
}
const text = (v: unknown): string | null => plain(v) || null

function when(v: unknown, fallback: Date): Date {
  const s = plain(v)
  const d = s ? new Date(s) : null
  return d && !Number.isNaN(d.getTime()) ? d : fallback
}

function keyOf(id: string | null, link: string | null, title: string, content: string): string {
  if (id) return id.slice(0, 500)
  if (link) return link.slice(0, 500)
  return `sha256:${crypto.createHash('sha256').update(`${title}\n${content}`).digest('hex')}`
}

/** The items of a feed document; a document that is none of the three formats is a FeedFormatError. */
export function parseFeed(body: string, now = new Date()): FeedItem[] {
  // an item with neither title nor text says nothing (a truncated document parsed leniently)
  return parseAny(body, now).filter((i) => i.title || i.content)
}

function parseAny(body: string, now: Date): FeedItem[] {
  const trimmed = body.replace(/^\uFEFF/, '').trimStart()
  if (trimmed.startsWith('{')) return parseJsonFeed(trimmed, now)
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(trimmed) as Record<string, unknown>
  } catch (e) {
    throw new FeedFormatError(`not well-formed XML: ${(e as Error).message.slice(0, 200)}`)
  }
  if (doc.rss && typeof doc.rss === 'object') {
    const channel = (doc.rss as { channel?: { item?: Record<string, unknown>[] } }).channel
    return (channel?.item ?? []).map((i) => {
      const title = plain(i.title)
      const content = plain(i.encoded) || plain(i.description)
      const link = text(Array.isArray(i.link) ? i.link[0] : i.link)
      return { key: keyOf(text(i.guid), link, title, content), title, content, link, author: text(i.author) ?? text(i.creator), published: when(i.pubDate ?? i.date, now) }
    })
  }
  if (doc.feed && typeof doc.feed === 'object') {
    return ((doc.feed as { entry?: Record<string, unknown>[] }).entry ?? []).map((e) => {
      const title = plain(e.title)
      const content = plain(e.content) || plain(e.summary)
      const links = (e.link ?? []) as { '@href'?: string; '@rel'?: string }[]
      const link = links.find((l) => !l['@rel'] || l['@rel'] === 'alternate')?.['@href'] ?? null
      const author = e.author && typeof e.author === 'object' ? text((e.author as { name?: unknown }).name) : null
      return { key: keyOf(text(e.id), link, title, content), title, content, link, author, published: when(e.published ?? e.updated, now) }
    })
  }
  throw new FeedFormatError('neither RSS 2.0 (<rss>), Atom (<feed>) nor JSON Feed')
}

function parseJsonFeed(body: string, now: Date): FeedItem[] {
  let doc: { version?: unknown; items?: unknown }
  try {
    doc = JSON.parse(body) as typeof doc
  } catch (e) {
    throw new FeedFormatError(`not JSON: ${(e as Error).message.slice(0, 200)}`)
  }
  if (typeof doc.version !== 'string' || !doc.version.startsWith('https://jsonfeed.org/version/') || !Array.isArray(doc.items)) {
    throw new FeedFormatError('a JSON document without a JSON Feed version and items')
  }
  return (doc.items as Record<string, unknown>[]).filter((i) => i && typeof i === 'object').map((i) => {
    const title = plain(i.title)
    const content = plain(i.content_text) || plain(i.content_html) || plain(i.summary)
    const link = text(i.url)
    const authors = Array.isArray(i.authors) ? i.authors as { name?: unknown }[] : []
    return { key: keyOf(text(i.id), link, title, content), title, content, link, author: text(authors[0]?.name), published: when(i.date_published ?? i.date_modified, now) }
  })
}
