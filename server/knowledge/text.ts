// An article's text: its HTML made safe (sanitize-html: no scripts, no event-handler attributes,
// no javascript: URLs, no styles), its plain copy, and the words search works with.
//
// Words come from jieba (@node-rs/jieba) in Node, so PostgreSQL and PGlite hold the same words.
// The tsvector is written as a literal ('word':position + weight), not through to_tsvector: the
// literal bypasses the text-search parser, whose idea of a letter depends on the database's
// locale, so both engines store exactly these lexemes. Title words weigh A, tags B, body D;
// a query is an OR of each word's synonym group ('路灯' | '街灯' | '照明灯'), ranked by ts_rank_cd.
import sanitizeHtml from 'sanitize-html'
import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { GOVERNANCE_TERMS, STOP_WORDS } from '../analytics/hotWordLexicon.ts'

const ALLOWED_TAGS = ['p', 'br', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'u', 'blockquote', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'a', 'span', 'div', 'hr', 'code', 'pre', 'img']

/** The HTML kept: plain structure, links to http(s)/mailto/tel only, images over https; nothing that runs. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // drop what is inside script/style instead of keeping it as text
    nonTextTags: ['script', 'style', 'textarea', 'noscript', 'iframe', 'object'],
  })
}

/** The plain text of sanitised HTML: tags dropped, block ends as line breaks, entities decoded. */
export function plainText(html: string): string {
  const spaced = html.replace(/<\/(p|h[1-6]|li|tr|div|blockquote|pre)>|<br\s*\/?>/gi, '\n')
  const text = sanitizeHtml(spaced, { allowedTags: [], allowedAttributes: {} })
  return text.replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&').replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').trim()
}

/** Words of a question that say nothing about the subject (besides the hot words' stop words). */
const QUESTION_WORDS = new Set(['怎么办', '怎么样', '咋办', '请问', '能不能', '可不可以', '是不是', '应该', '找谁', '哪个部门', '办法', '一下',
  '我家', '我们家', '我们', '楼下', '楼上', '小区里', '老是', '总是', '天天', '一直', '好几天', '几天', '东西'])

const NUMERAL = /^第?[\p{N}零〇一二三四五六七八九十百千万亿两几.,%．]+[个次天号楼层栋幢室户米元年月日时分条处名位辆件起]?$/u

function isSearchWord(w: string): boolean {
  return [...w].length >= 2 && /\p{L}/u.test(w) && !NUMERAL.test(w) && !STOP_WORDS.has(w) && !QUESTION_WORDS.has(w)
}

let jieba: Jieba | undefined
const known = new Set<string>()

/** The segmenter: jieba's dictionary plus the governance terms and every synonym word as user words. */
export function segmenter(extraWords: readonly string[] = []): Jieba {
  jieba ??= Jieba.withDict(dict)
  const fresh = [...new Set([...GOVERNANCE_TERMS, ...extraWords])].filter((w) => !known.has(w) && [...w].length > 1 && !/\s/.test(w))
  if (fresh.length > 0) {
    jieba.loadDict(Buffer.from(fresh.map((w) => `${w} 50000 n\n`).join('')))
    for (const w of fresh) known.add(w)
  }
  return jieba
}

/** The search words of a text, in order, repeats kept (positions count for the ranking): jieba's search mode. */
export function searchWords(text: string, j: Jieba = segmenter()): string[] {
  const out: string[] = []
  for (const t of j.cutForSearch(text.normalize('NFKC'), true)) {
    const w = t.trim().toLowerCase()
    if (isSearchWord(w)) out.push(w)
  }
  return out
}

/** A lexeme quoted for a tsvector or tsquery literal. */
const quote = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`

/** Highest position a tsvector keeps (PostgreSQL's limit); later words share it. */
const MAX_POS = 16383
/** Body words indexed at most (a long body's tail adds little and costs index size). */
const MAX_BODY_WORDS = 4000

/** The tsvector literal of an article: title words weight A, tags B, body words D, positions in reading order. */
export function searchVector(title: string, tags: readonly string[], body: string, j: Jieba = segmenter()): string {
  const tagWords = tags.flatMap((t) => searchWords(t, j).concat(isSearchWord(t.toLowerCase()) ? [t.toLowerCase()] : []))
  return vectorOf(searchWords(title, j), tagWords, searchWords(body, j))
}

/** The tsvector literal of words already segmented (the bench reuses the words of repeated texts). */
export function vectorOf(titleWords: readonly string[], tagWords: readonly string[], bodyWords: readonly string[]): string {
  const parts: string[] = []
  let pos = 1
  const add = (words: readonly string[], weight: 'A' | 'B' | 'D') => {
    for (const w of words) {
      parts.push(`${quote(w)}:${Math.min(pos, MAX_POS)}${weight}`)
      pos++
    }
    pos += 10 // a gap: a cover never spans the title and the body
  }
  add(titleWords, 'A')
  add(tagWords, 'B')
  add(bodyWords.slice(0, MAX_BODY_WORDS), 'D')
  return parts.join(' ')
}

/** Synonym groups by word: each word of a group stands for the whole group. */
export type SynonymMap = ReadonlyMap<string, readonly string[]>

export function synonymMap(groups: readonly (readonly string[])[]): SynonymMap {
  const map = new Map<string, string[]>()
  for (const g of groups) {
    const words = g.map((w) => w.toLowerCase())
    for (const w of words) map.set(w, [...new Set([...(map.get(w) ?? [w]), ...words])])
  }
  return map
}

/**
 * The question's words (jieba's precise mode, so 建设路 stays one word rather than 建设 + 建设路),
 * each expanded to its synonym group; groups that share a word are one concept and merged.
 * An empty list when the question has no search word.
 */
export function expandQuery(q: string, synonyms: SynonymMap, j: Jieba = segmenter()): string[][] {
  const out: string[][] = []
  for (const t of j.cut(q.normalize('NFKC'), true)) {
    const w = t.trim().toLowerCase()
    if (!isSearchWord(w)) continue
    const group = [...(synonyms.get(w) ?? [w])]
    if (!out.some((g) => g.some((x) => group.includes(x)))) out.push(group)
  }
  return out
}

/** The tsquery literal of one group (any of its words; `title`: in the title only). */
export function groupQuery(group: readonly string[], title = false): string {
  return group.map((w) => `${quote(w)}${title ? ':A' : ''}`).join(' | ')
}

/** The tsquery literal of expanded words: any word of any group matches; null when there is none. */
export function searchQuery(groups: string[][]): string | null {
  const words = [...new Set(groups.flat())]
  return words.length === 0 ? null : words.map(quote).join(' | ')
}

/** The tsquery literal that needs at least two of the groups (any pair of them); one group alone when there is one. */
export function pairQuery(groups: string[][]): string | null {
  if (groups.length < 2) return searchQuery(groups)
  const pairs: string[] = []
  for (let i = 0; i < groups.length; i++) {
    for (let k = i + 1; k < groups.length; k++) pairs.push(`( ${groupQuery(groups[i]!)} ) & ( ${groupQuery(groups[k]!)} )`)
  }
  return pairs.map((p) => `( ${p} )`).join(' | ')
}
