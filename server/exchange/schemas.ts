// The exchange format with the provincial platform: JSON Schema files in docs/exchange/ (the
// documentation is the contract), compiled once with ajv. Messages we emit are checked before
// they leave; messages we receive are checked before anything is applied, and a failure names
// the JSON path of the offending value.
import fs from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { AppError } from '../http/errors.ts'

export const EXCHANGE_SCHEMA = 'gridgov.exchange/1'
export const SCHEMA_NAMES = ['message', 'event', 'statistics', 'catalogue-entry', 'instruction', 'instruction-feedback'] as const
export type SchemaName = (typeof SCHEMA_NAMES)[number]
export type MessageKind = Exclude<SchemaName, 'message'>

export const schemaDir = new URL('../../docs/exchange/', import.meta.url)

export interface ExchangeMessage<B = unknown> {
  schema: typeof EXCHANGE_SCHEMA
  messageId: string
  kind: MessageKind
  sender: { system: string; areaCode: string }
  sentAt: string
  body: B
}

let compiled: ValidateFunction | undefined
const texts = new Map<SchemaName, string>()

/** The schema file's text as it is in the repository (served by GET /api/v1/exchange/schemas/{name}). */
export function schemaText(name: SchemaName): string {
  let t = texts.get(name)
  if (t === undefined) {
    t = fs.readFileSync(new URL(`${name}.schema.json`, schemaDir), 'utf8')
    texts.set(name, t)
  }
  return t
}

function validator(): ValidateFunction {
  if (!compiled) {
    // allErrors off: the first failure is the one named, and a hostile message cannot make us
    // collect thousands of errors
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: false })
    addFormats.default(ajv, ['date', 'date-time'])
    for (const n of SCHEMA_NAMES) if (n !== 'message') ajv.addSchema(JSON.parse(schemaText(n)))
    compiled = ajv.compile(JSON.parse(schemaText('message')))
  }
  return compiled
}

export interface SchemaIssue { path: string; message: string }

/** `/body/location/coordinates/0` → `$.body.location.coordinates[0]` (a JSONPath operators read). */
export function jsonPath(pointer: string): string {
  if (!pointer) return '$'
  return '$' + pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')
}

function issueOf(e: ErrorObject): SchemaIssue {
  // a missing or unknown member is named by its own path, not its parent's
  const p = e.params as { missingProperty?: string; additionalProperty?: string }
  const child = p.missingProperty ?? p.additionalProperty
  const pointer = child !== undefined ? `${e.instancePath}/${child.replace(/~/g, '~0').replace(/\//g, '~1')}` : e.instancePath
  const what = p.additionalProperty !== undefined ? 'is not a member of this message kind' : p.missingProperty !== undefined ? 'is required' : e.message ?? 'is invalid'
  return { path: jsonPath(pointer), message: what }
}

/** The first schema failure of a message, or null when it is valid. */
export function checkMessage(message: unknown): SchemaIssue | null {
  const v = validator()
  if (v(message)) return null
  // if/then failures repeat the inner error first; skip the wrapper ("must match then schema")
  const errors = (v.errors ?? []).filter((e) => e.keyword !== 'if')
  const first = errors[0] ?? v.errors![0]!
  // "a location or an address": the alternatives of an anyOf of required members, named together
  if (first.keyword === 'required' && /\/anyOf\/[0-9]+\/required$/.test(first.schemaPath)) {
    const names = errors.filter((e) => e.keyword === 'required' && e.instancePath === first.instancePath)
      .map((e) => (e.params as { missingProperty: string }).missingProperty)
    return { path: jsonPath(first.instancePath), message: `one of ${names.join(', ')} is required` }
  }
  return issueOf(first)
}

/** Throws a 400 naming the JSON path when the message fails its schema. */
export function assertMessage(message: unknown): asserts message is ExchangeMessage {
  const issue = checkMessage(message)
  if (issue) {
    throw new AppError(400, 'exchange_schema', `the message fails the exchange schema at ${issue.path}: ${issue.message}`, { path: issue.path })
      .coded('exchange.schema', { path: issue.path, message: issue.message })
  }
}
