// Similar exemplary cases for an event (GET /api/v1/events/{number}/similar-cases): the pinned
// cases a handler is offered beside a new event, each with how it was handled and why it was
// offered. The score has three parts, each 0..1, weighted and summed:
//
//   class     (0.5)  1 same small class, 0.5 same big class, 0 otherwise
//   distance  (0.2)  0.5 ^ (metres / 1000): halves every kilometre (geodesic, PostGIS geography)
//   text      (0.3)  the mean of two overlaps of the event's description with the case:
//                    words: Dice of the jieba word sets (the hot words' segmentation, so 暴露垃圾
//                      and the class names stay whole); the case's words are its event's
//                      description, the centre's title and its tags;
//                    characters: Dice of character bigrams of the two descriptions
//                      (events/similarity.ts, the duplicate check's measure), which still sees
//                      井盖缺失 ~ 井盖丢失 when the segmenter cuts them differently.
//
// Why these weights: the class says the case is about the same kind of problem, which is what
// makes its handling worth reading; place (same street, same property company) and wording
// refine the order among those. A case of another class is offered only when its text is close
// (text ≥ 0.25: a misfiled class); a case merely near is not similar. Ties: nearer first, then
// the older case id.
import type { Knex } from 'knex'
import type { Jieba } from '@node-rs/jieba'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { BigramProfile } from '../events/similarity.ts'
import type { EventRow } from '../events/store.ts'
import { eventSegmenter, isWord, wordsOf } from '../analytics/hotWords.ts'
import { handlingOf, timing } from './handling.ts'
import { caseEvent, handlingView, type CaseRow } from './store.ts'

export const WEIGHTS = { class: 0.5, distance: 0.2, text: 0.3 } as const
/** Metres over which the distance part halves. */
export const DISTANCE_HALF_M = 1000
/** A case of another big class is offered only with at least this text score. */
export const MIN_TEXT_OTHER_CLASS = 0.25
/** Cases the database hands over for text scoring at most (same class first, nearest first). */
export const CANDIDATE_CAP = 500

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits

export type ClassMatch = 'small' | 'big' | 'none'

export function classPart(eventClass: string, caseClass: string): { value: number; match: ClassMatch } {
  if (eventClass === caseClass) return { value: 1, match: 'small' }
  if (eventClass.slice(0, 2) === caseClass.slice(0, 2)) return { value: 0.5, match: 'big' }
  return { value: 0, match: 'none' }
}

export const distancePart = (metres: number) => 0.5 ** (metres / DISTANCE_HALF_M)

/** Dice of two sets: 2|A∩B| / (|A| + |B|), 0 when both are empty. */
function dice(a: Set<string>, b: Set<string>): { shared: string[]; value: number } {
  const shared = [...a].filter((w) => b.has(w)).sort()
  return { shared, value: a.size + b.size === 0 ? 0 : (2 * shared.length) / (a.size + b.size) }
}

export interface TextPart {
  value: number
  words: { shared: string[]; event: number; case: number; dice: number }
  characters: { dice: number }
}

/** The words a case offers to the comparison: its event's description, the centre's title and tags. */
export function caseWords(j: Jieba, c: { description: string; title: string; tags: string[] }): Set<string> {
  const out = wordsOf(j, c.description)
  for (const w of wordsOf(j, c.title)) out.add(w)
  for (const t of c.tags) if (isWord(t)) out.add(t.toLowerCase())
  return out
}

export function textPart(eventWords: Set<string>, eventChars: BigramProfile, words: Set<string>, description: string): TextPart {
  const w = dice(eventWords, words)
  const chars = eventChars.similarity(new BigramProfile(description))
  return {
    value: (w.value + chars) / 2,
    words: { shared: w.shared, event: eventWords.size, case: words.size, dice: round(w.value) },
    characters: { dice: round(chars) },
  }
}

type CandidateRow = Omit<CaseRow, 'unpinned_at' | 'unpinned_by' | 'unpinned_by_name' | 'unpin_reason' | 'cursor_t' | 'city_code' | 'street_code' | 'district_code'>
  & { metres: number; class_rank: number }

/** The offered cases for an event the caller sees, best first, at most `limit`. */
export async function similarCases(knex: Knex, p: Principal, e: EventRow, limit: number) {
  const { rows } = await knex.raw(sqlFile('exemplary/similar_candidates'), {
    lon: e.lon, lat: e.lat, klass: e.class_code, city: e.city_code, patterns: p.jurisdiction.patterns, eventId: e.id, cap: CANDIDATE_CAP,
  }) as { rows: CandidateRow[] }
  const j = await eventSegmenter(knex)
  const eventWords = wordsOf(j, e.description)
  const eventChars = new BigramProfile(e.description)
  const scored = rows.map((r) => {
    const metres = Number(r.metres)
    const cls = classPart(e.class_code, r.class_code)
    const dist = distancePart(metres)
    const text = textPart(eventWords, eventChars, caseWords(j, r), r.description)
    const total = WEIGHTS.class * cls.value + WEIGHTS.distance * dist + WEIGHTS.text * text.value
    return { r, metres, total, score: {
      total: round(total),
      class: { value: cls.value, weight: WEIGHTS.class, match: cls.match, eventClass: e.class_code, caseClass: r.class_code },
      distance: { value: round(dist), weight: WEIGHTS.distance, metres: round(metres, 1), halfMetres: DISTANCE_HALF_M },
      text: { ...text, value: round(text.value), weight: WEIGHTS.text },
    } }
  })
  const offered = scored.filter((s) => s.score.class.value > 0 || s.score.text.value >= MIN_TEXT_OTHER_CLASS)
    .sort((a, b) => b.total - a.total || a.metres - b.metres || Number(a.r.id) - Number(b.r.id))
    .slice(0, limit)
  const handling = await handlingOf(knex, offered.map((s) => s.r.event_id))
  return {
    event: { number: e.number, class: { code: e.class_code, name: e.class_name }, location: { type: 'Point', coordinates: [e.lon, e.lat], crs: 'EPSG:4490' } },
    weights: WEIGHTS, distanceHalfMetres: DISTANCE_HALF_M, minTextOtherClass: MIN_TEXT_OTHER_CLASS,
    considered: rows.length,
    items: offered.map(({ r, score }) => {
      const h = handling.get(String(r.event_id)) ?? { steps: [], evaluation: null, extended: false }
      return {
        id: Number(r.id), title: r.title, summary: r.summary, reason: r.reason, tags: r.tags,
        pinnedBy: { id: Number(r.pinned_by), name: r.pinned_by_name }, pinnedAt: r.pinned_at.toISOString(),
        event: caseEvent(r), timing: timing(r), handling: handlingView(h, r.satisfaction), score,
      }
    }),
  }
}
