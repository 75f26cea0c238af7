// Shared helpers of the integrations tests: platforms pointing at a local receiver, and events.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'

export const SECRET = 'itest-secret-0123456789abcdef'

/** The test receivers listen on loopback, which webhooks refuse unless allowed (WEBHOOK_ALLOWED_NETWORKS). */
export const LOCAL_RECEIVERS: readonly string[] = ['127.0.0.0/8']

let n = 0
/** A fresh enabled platform of the demo city (codes 'itest_…' collide with nobody's). */
export async function makePlatform(knex: Knex, endpoint: string, over: Record<string, unknown> = {}): Promise<string> {
  const code = `itest_${process.pid % 10000}_${++n}_${Math.random().toString(36).slice(2, 6)}`
  await knex('integration_platform').insert({
    code, name: '数字城管（测试）', city_code: '990100', adapter: 'webhook', endpoint, secret: SECRET, timeout_ms: 300, ...over,
  })
  return code
}

/** Disables every test platform, so later tests (and other files) enqueue nothing for them. */
export async function disableTestPlatforms(knex: Knex): Promise<void> {
  await knex('integration_platform').where('code', 'like', 'itest\\_%').update({ enabled: false })
}

/** Reports an event through the API (superior channel: filed and dispatched at once: 3 history rows). */
export async function reportEvent(client: Client, knex: Knex, auth: Record<string, string>, over: Record<string, unknown> = {}): Promise<{ number: string; status: string }> {
  const p = await pointIn(knex, '990102001001')
  const res = await client.post('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: uniq('暴露垃圾（对接测试）'),
    location: { x: p.lon, y: p.lat }, reporter: { name: '张三', phone: '13800000000' }, ...over,
  }, auth)
  expect(res.statusCode, res.body).to.equal(201)
  return res.json().event
}

export interface OutboxRow {
  id: number; key: string; payload: { event: { number: string }; change: { seq: number; action: string } }
  attempts: number; available_at: Date; delivered_at: Date | null; dead_at: Date | null; last_error: string | null; event_seq: number
}

export const outboxOf = (knex: Knex, platform: string, number?: string): Promise<OutboxRow[]> => {
  const q = knex('outbox').where({ platform_code: platform }).orderBy('id')
  if (number) q.whereRaw("payload->'event'->>'number' = ?", [number])
  return q.select('*')
}
