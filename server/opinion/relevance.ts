// Is a post about our city, about what grid management handles, and where? Three steps, each
// explainable to the operator who decides:
// 1. Place names: the city's admin divisions (district, street, community) and the road and
//    estate names of its standard addresses (the gazetteer the address geocoder uses) found
//    verbatim in the title and text. A name of one character, or the city's own name alone,
//    does not count (示范市 is in every post about anything in the city).
// 2. Topic keywords: the words jieba finds (the segmenter of analytics' hot words, with the
//    event class names and governance terms as user words) that are governance terms or class
//    names (井盖, 积水, 占道经营 …). Relevant = at least one place name and one keyword.
// 3. Place: from each road or estate name found, the text that follows it (up to a stop) is an
//    address candidate (牡丹街18号, 桃源小区3号楼 …); the address geocoder (server/addresses)
//    places each, and the best unambiguous match at or above its threshold locates the post.
//    A relevant post that none locates stays 'unlocated' (counted in topics, never a candidate).
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { eventSegmenter, wordsOf } from '../analytics/hotWords.ts'
import { GOVERNANCE_TERMS } from '../analytics/hotWordLexicon.ts'
import { geocodeAddresses, type AddressMatch } from '../addresses/matcher.ts'

/** Words of public complaints beyond the class names and governance terms. */
export const OPINION_TERMS: readonly string[] = ['积水', '内涝', '漏水', '停水', '停电', '停气', '燃气', '噪音', '扰民', '油烟', '异味', '臭味',
  '塌陷', '坑洼', '路灯', '不亮', '占道', '乱停', '堵塞', '垃圾', '污水', '扬尘', '违建', '小广告', '安全隐患', '火灾', '冒烟']

interface Names { places: string[]; addressable: Set<string>; keywords: Set<string> }
const TTL_MS = 60_000
const cache = new WeakMap<Knex, Map<string, { at: number; names: Promise<Names> }>>()

async function loadNames(knex: Knex, cityCode: string): Promise<Names> {
  const divisions = (await knex.raw(sqlFile('addresses/admin_names'), [cityCode]) as { rows: { level: string; name: string }[] }).rows
  const vocabulary = (await knex.raw(sqlFile('addresses/vocabulary'), [cityCode, cityCode]) as { rows: { name: string }[] }).rows
  const classes = await knex('event_class').select('name') as { name: string }[]
  const addressable = new Set(vocabulary.map((r) => r.name).filter((n) => [...n].length >= 2))
  const places = [...new Set([...divisions.filter((d) => d.level !== 'city').map((d) => d.name), ...addressable])]
    .filter((n) => [...n].length >= 2).sort((a, b) => b.length - a.length)
  const keywords = new Set([...GOVERNANCE_TERMS, ...OPINION_TERMS, ...classes.map((c) => c.name).filter((n) => !n.startsWith('其他'))])
  return { places, addressable, keywords }
}

function namesOf(knex: Knex, cityCode: string): Promise<Names> {
  let perDb = cache.get(knex)
  if (!perDb) cache.set(knex, perDb = new Map())
  const hit = perDb.get(cityCode)
  if (hit && Date.now() - hit.at < TTL_MS) return hit.names
  const names = loadNames(knex, cityCode)
  perDb.set(cityCode, { at: Date.now(), names })
  names.catch(() => perDb.delete(cityCode))
  return names
}

export interface Assessment {
  keywords: string[]
  places: string[]
  relevant: boolean
  address: string | null
  match: AddressMatch | null
}

// an address candidate ends at punctuation, white space or a particle that starts a new clause
const ADDRESS_TAIL = /^[^\s，。、,.;；!！?？：:“”"'（）()]{0,24}/u
const CLAUSE = /(附近|旁边|门口|路口|一带|这边|那边|的|有|出现|发生|现在|已经|好几|多处|积|漏|冒)/u

/** Address candidates: each addressable name found and the text after it, cut at the first clause word. */
function addressCandidates(text: string, found: readonly string[], addressable: ReadonlySet<string>, keywords: readonly string[]): string[] {
  const out = new Set<string>()
  for (const name of found) {
    if (!addressable.has(name)) continue
    for (let at = text.indexOf(name); at >= 0 && out.size < 8; at = text.indexOf(name, at + name.length)) {
      const tail = (ADDRESS_TAIL.exec(text.slice(at + name.length))?.[0] ?? '')
      // the complaint often follows the address without a pause (牡丹街65号井盖缺失)
      const stops = [tail.search(CLAUSE), ...keywords.map((k) => tail.indexOf(k))].filter((i) => i >= 0)
      const stop = stops.length ? Math.min(...stops) : -1
      out.add(name + (stop >= 0 ? tail.slice(0, stop) : tail))
    }
  }
  return [...out]
}

export async function assess(knex: Knex, cityCode: string, title: string, content: string): Promise<Assessment> {
  const text = `${title}。${content}`.normalize('NFKC')
  const names = await namesOf(knex, cityCode)
  const places = names.places.filter((n) => text.includes(n))
  const words = wordsOf(await eventSegmenter(knex), text)
  // a term jieba keeps whole, or one it split that the text still holds verbatim (井盖缺失 → 井盖|缺失)
  const keywords = [...names.keywords].filter((k) => words.has(k) || (k.length >= 2 && text.includes(k) && OPINION_TERMS.includes(k))).sort()
  const relevant = places.length > 0 && keywords.length > 0
  if (!relevant) return { keywords, places, relevant, address: null, match: null }
  const candidates = addressCandidates(text, places, names.addressable, keywords)
  if (candidates.length === 0) return { keywords, places, relevant, address: null, match: null }
  const results = await geocodeAddresses(knex, cityCode, candidates, 0)
  const best = results.filter((r) => r.status === 'matched' && r.match && !r.ambiguous)
    .sort((a, b) => b.match!.score - a.match!.score || b.match!.level - a.match!.level)[0]
  return { keywords, places, relevant, address: best?.input ?? null, match: best?.match ?? null }
}
