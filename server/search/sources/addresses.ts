// Standard addresses (GA/T 2000.32) through the address geocoder (server/addresses): the best
// match and its alternatives, with their level. Standard addresses are the city's reference
// data, found across the caller's city as POST /api/v1/geocode/address finds them.
import { geocodeAddresses, type AddressMatch } from '../../addresses/matcher.ts'
import type { SearchContext, SearchHit, SearchSource } from '../types.ts'

/** Alternatives below this geocoder score are noise in a search list. */
const MIN_SCORE = 0.5
/** A geocoder score from here on is the address as typed. */
const EXACT_SCORE = 0.95

function hit(m: AddressMatch): SearchHit {
  return {
    kind: 'address', id: String(m.id), title: m.address,
    subtitle: `${m.levelName} · 匹配度 ${Math.round(m.score * 100)}%`,
    match: m.score >= EXACT_SCORE ? 'exact' : 'fuzzy', score: m.score,
    point: [m.lon, m.lat], bbox: null, extra: { level: m.level, communityCode: m.communityCode },
  }
}

export const addressSource: SearchSource = {
  name: 'addresses',
  group: 'address',
  applies: (q) => q.coordinate === null && q.numberDigits === null && /\p{Script=Han}/u.test(q.text),
  async search(ctx: SearchContext): Promise<SearchHit[]> {
    const [result] = await geocodeAddresses(ctx.knex, ctx.cityCode, [ctx.query.text], Math.max(0, ctx.limit - 1))
    const all = [...(result!.match ? [result!.match] : []), ...result!.alternatives]
    return all.filter((m) => m.score >= MIN_SCORE).slice(0, ctx.limit).map(hit)
  },
}
