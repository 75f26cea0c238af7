// What the provincial-link test files share: the one database, history and receiver that
// exchange.test.ts sets up (the suites of feedbackSuite.ts and openDataSuite.ts run inside it),
// and the checks written independently of the server's code.
import fs from 'node:fs'
import type { Knex } from 'knex'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { Client } from '../support/http.ts'
import type { Receiver } from '../integrations/receiver.ts'

export interface Ev { created_at: Date; closed_at: Date | null; handle_due_at: Date | null; district_code: string; community_code: string; class_code: string; status: string }

export interface ExchangeSuite {
  client: Client
  knex: Knex
  command: Record<string, string>
  receiver: Receiver
  /** the schema files compiled here, apart from the server's validator */
  validate: ValidateFunction
  /** runs the deliverer until nothing is due */
  drain(): Promise<void>
  /** the seeded history's events of the city */
  events: Ev[]
  dataDir: string
  city: string
}

/** The schema files compiled independently of server/exchange/schemas.ts. */
export function testValidator(): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strictRequired: false })
  addFormats.default(ajv)
  const dir = new URL('../../docs/exchange/', import.meta.url)
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.schema.json') && n !== 'message.schema.json')) {
    ajv.addSchema(JSON.parse(fs.readFileSync(new URL(f, dir), 'utf8')))
  }
  return ajv.compile(JSON.parse(fs.readFileSync(new URL('message.schema.json', dir), 'utf8')))
}

/** A day in Asia/Shanghai without the server's helper: UTC+8 by the calendar's own formatter. */
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
export const localDay = (t: Date) => dayFormat.format(t)
export const localMonth = (t: Date) => localDay(t).slice(0, 7)
