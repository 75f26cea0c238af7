// A team's ledger (活动管理, Heilongjiang 6.3.4.3): patrols, trainings, help given on request and
// publicity the team records itself, beside the service lines finished services write; hours are
// the activity's duration, person-hours its hours times its participants.
import type { Knex } from 'knex'
import type { z } from 'zod'
import type { Principal } from '../auth/users.ts'
import { sqlFile } from '../db/sql.ts'
import { decodeTimeCursor, encodeTimeCursor } from '../http/cursor.ts'
import { resolveLocation } from './location.ts'
import { getRow } from './rows.ts'
import { TEAM_SPEC } from './store.ts'
import { activityKindTitles, type activityCreate, type activityListQuery } from './schemas.ts'
import { round2 } from './stats.ts'

export async function addActivity(knex: Knex, p: Principal, teamId: number, body: z.output<typeof activityCreate>): Promise<number> {
  return knex.transaction(async (trx) => {
    const team = await getRow(trx, p, TEAM_SPEC, teamId)
    // a grid named must lie in the team's area (and the caller's jurisdiction)
    const loc = body.gridCode ? await resolveLocation(trx, p, { communityCode: team.community_code, gridCode: body.gridCode })
      : { cityCode: team.city_code as string, communityCode: team.community_code, gridCode: team.grid_code }
    const [row] = await trx('team_activity').insert({
      team_id: teamId, city_code: loc.cityCode, community_code: body.gridCode ? body.gridCode.slice(0, 12) : loc.communityCode, grid_code: loc.gridCode,
      kind: body.kind, title: body.title, started_at: body.startedAt, hours: body.hours, participants: body.participants, note: body.note ?? null,
      created_by: p.userId,
    }).returning('id') as { id: number }[]
    return Number(row!.id)
  })
}

interface ActivityRow {
  id: number | null; kind: keyof typeof activityKindTitles; title: string; started_at: Date; hours: number; participants: number; service_id: number | null
  grid_code: string | null; community_code: string; note: string | null; created_at: Date; cursor_t: string
  total_count: number; total_hours: number; total_person_hours: number
}

/** The team's ledger page with the totals of the whole filtered ledger. */
export async function listActivities(knex: Knex, p: Principal, teamId: number, q: z.output<typeof activityListQuery>) {
  await getRow(knex, p, TEAM_SPEC, teamId)
  const c = q.cursor ? decodeTimeCursor(q.cursor) : null
  const { rows } = await knex.raw(sqlFile('teams/activity_list'), {
    teamId, kind: q.kind ?? null, from: q.from ?? null, to: q.to ?? null, cursorT: c?.t ?? null, cursorI: c?.i ?? null, limit: q.limit + 1,
  }) as { rows: ActivityRow[] }
  const found = rows.filter((r) => r.id !== null)
  const page = found.slice(0, q.limit)
  const first = rows[0]
  return {
    items: page.map((r) => ({
      id: Number(r.id), kind: r.kind, kindTitle: activityKindTitles[r.kind], title: r.title, startedAt: new Date(r.started_at).toISOString(),
      hours: Number(r.hours), participants: r.participants, personHours: round2(Number(r.hours) * r.participants),
      serviceId: r.service_id === null ? null : Number(r.service_id), gridCode: r.grid_code, communityCode: r.community_code, note: r.note,
    })),
    next: found.length > q.limit ? encodeTimeCursor(page.at(-1)!.cursor_t, page.at(-1)!.id!) : null,
    totals: { count: Number(first?.total_count ?? 0), hours: round2(Number(first?.total_hours ?? 0)), personHours: round2(Number(first?.total_person_hours ?? 0)) },
  }
}
