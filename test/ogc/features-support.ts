// Shared fixtures of the OGC API Features tests: events with known report times in the
// analyst's district (the demo data has none at test time).
import type { Knex } from 'knex'

export const EVENT_PREFIX = 'E9901970000'

/** 12 events, one a day from 2026-01-01 at 10:00 +08:00, open and closed alternately; returns their numbers and times. */
export async function seedEvents(knex: Knex): Promise<{ number: string; createdAt: Date; open: boolean }[]> {
  await knex('event').where('number', 'like', `${EVENT_PREFIX}%`).delete()
  const { rows: [c] } = await knex.raw(`SELECT g.community_code AS community, s.code AS street, s.parent_code AS district,
      ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
    FROM grid g JOIN admin_division a ON a.code = g.community_code JOIN admin_division s ON s.code = a.parent_code
    WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code LIKE '9901%' ORDER BY g.code LIMIT 1`)
  const cls = await knex('event_class').whereRaw("code ~ '^[0-9]{4}$'").whereNotNull('parent_code').orderBy('code').first('code')
  const events = Array.from({ length: 12 }, (_, i) => ({
    number: `${EVENT_PREFIX}${String(i + 1).padStart(2, '0')}`, createdAt: new Date(Date.UTC(2026, 0, i + 1, 2)), open: i % 2 === 0,
  }))
  await knex('event').insert(events.map((e) => ({
    number: e.number, city_code: c.community.slice(0, 6), channel: 'inspector_app', demand_type: '投诉举报', class_code: cls.code,
    description: '测试事件', geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [c.lon, c.lat]), source_position: {},
    community_code: c.community, street_code: c.street, district_code: c.district, h3_r12: 1,
    status: e.open ? 'reported' : 'closed', created_at: e.createdAt,
  })))
  return events
}
