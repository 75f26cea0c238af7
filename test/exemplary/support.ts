// Shared scene of the exemplary-case tests: events driven round the loop over HTTP to closing (the
// street office of the event's street handles, verifies and closes it), and pinning.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'

export type Auth = Record<string, Record<string, string>>

/** Which demo user works at a street office (street code, 9 digits). */
const STREET_USER: Record<string, string> = { '990102001': 'street1', '990102002': 'street2' }

export interface Reported { number: string; community: string }

/** Reports an event (as the command centre) at the nth base grid of a community. */
export async function report(client: Client, knex: Knex, auth: Auth, community: string, nth: number, classCode: string, description: string): Promise<Reported> {
  const p = await pointIn(knex, community, nth)
  const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode, description, location: { x: p.lon, y: p.lat } }, auth.command)
  expect(res.statusCode, res.body).to.equal(201)
  return { number: res.json().event.number as string, community }
}

async function fire(client: Client, auth: Auth, number: string, who: string, body: Record<string, unknown>): Promise<void> {
  const res = await client.post(`/api/v1/events/${number}/transitions`, body, auth[who])
  expect(res.statusCode, `${who} ${String(body.action)} ${number}: ${res.body}`).to.equal(200)
}

/** Drives an event to closed: reassigned to its street office, which signs, handles, feeds back, verifies and closes it. */
export async function close(client: Client, auth: Auth, e: Reported, comment = '已处置完毕'): Promise<void> {
  const street = e.community.slice(0, 9)
  const who = STREET_USER[street]!
  await fire(client, auth, e.number, 'command', { action: 'reassign', departmentCode: `JD-${street}000` })
  for (const action of ['sign', 'handle']) await fire(client, auth, e.number, who, { action })
  await fire(client, auth, e.number, who, { action: 'feedback', comment })
  for (const action of ['verify', 'close']) await fire(client, auth, e.number, who, { action })
}

export async function evaluate(client: Client, auth: Auth, number: string, satisfaction: string): Promise<void> {
  await fire(client, auth, number, 'command', { action: 'evaluate', satisfaction, comment: '回访' })
}

/** A closed event of the scene, reported and closed in one go. */
export async function closedEvent(client: Client, knex: Knex, auth: Auth, community: string, nth: number, classCode: string, description: string): Promise<Reported> {
  const e = await report(client, knex, auth, community, nth, classCode, description)
  await close(client, auth, e)
  return e
}

/** Pins an event as `who` (default the command centre) and answers the case's id. */
export async function pin(client: Client, auth: Auth, number: string, over: Record<string, unknown> = {}, who = 'command'): Promise<number> {
  const res = await client.post('/api/v1/exemplary-cases', { event: number, title: `公示 ${number}`, summary: '接报后迅速处置', reason: '处置及时', ...over }, auth[who])
  expect(res.statusCode, res.body).to.equal(201)
  return res.json().id as number
}
