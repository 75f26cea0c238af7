// 重复诉求 and 临期: the two rules that are one query each.
import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'
import { commonArea, levelByMultiple, MAX_EVENT_IDS, type Candidate } from './candidate.ts'
import type { Params } from './rules.ts'
import { maskPhone } from '../privacy/fields.ts'

interface ReporterRow { subject: string; n: number; ids: string[]; numbers: string[]; communities: string[]; lon: number; lat: number; phone_digits: string | null }

/**
 * One warning per reporter and window: once warned, a reporter is quiet for `days`. The key is the
 * reporter's first event of the window, so two passes computing the same group store it once.
 * The warning names the demands by number and shows at most the masked phone.
 */
export async function repeatCandidates(knex: Knex, city: string, p: Params<'repeat_reporter'>, now: Date, areaNames: Map<string, string>): Promise<Candidate[]> {
  const since = new Date(now.getTime() - p.days * 86_400_000)
  const { rows } = await knex.raw(sqlFile('warnings/repeat_reporters'), { city, since, now, minEvents: p.minEvents }) as { rows: ReporterRow[] }
  return rows.map((r): Candidate => {
    const area = commonArea(r.communities)
    // masked by the one rule; the digits themselves go no further than this line
    const maskedPhone = r.phone_digits ? maskPhone(r.phone_digits) : null
    const who = maskedPhone ? `来电${maskedPhone}` : '同一诉求人'
    return {
      kind: 'repeat_reporter', level: levelByMultiple(r.n, p.minEvents), area, lon: Number(r.lon), lat: Number(r.lat),
      title: `重复诉求：${who}近${p.days}天在${areaNames.get(area) ?? area}提出${r.n}件诉求`,
      detail: { eventCount: r.n, days: p.days, maskedPhone, registeredUser: r.subject.startsWith('u:'), numbers: r.numbers.slice(0, MAX_EVENT_IDS) },
      eventIds: r.ids.slice(0, MAX_EVENT_IDS).map(Number), dedupeKey: `first:${r.ids[0]}`, subject: r.subject,
    }
  })
}

interface DueRow { id: string; number: string; community_code: string; class_code: string; handle_due_at: Date; lon: number; lat: number }

/** Once per event; level by the time left when first seen: ≤ ¼ of the window 红, ≤ ½ 橙, else 黄. */
export async function nearDeadlineCandidates(knex: Knex, city: string, p: Params<'near_deadline'>, now: Date, classNames: Map<string, string>): Promise<Candidate[]> {
  const until = new Date(now.getTime() + p.minutes * 60_000)
  const { rows } = await knex.raw(sqlFile('warnings/near_deadline'), { city, now, until }) as { rows: DueRow[] }
  return rows.map((r): Candidate => {
    const left = (r.handle_due_at.getTime() - now.getTime()) / 60_000
    const level = left <= p.minutes / 4 ? 1 : left <= p.minutes / 2 ? 2 : 3
    return {
      kind: 'near_deadline', level, area: r.community_code, lon: Number(r.lon), lat: Number(r.lat),
      title: `临期：事件${r.number}（${classNames.get(r.class_code) ?? r.class_code}）距处置时限${Math.max(1, Math.ceil(left))}分钟`,
      detail: { number: r.number, classCode: r.class_code, handleDueAt: r.handle_due_at.toISOString(), minutesLeft: Math.ceil(left) },
      eventIds: [Number(r.id)], dedupeKey: `event:${r.id}`,
    }
  })
}
