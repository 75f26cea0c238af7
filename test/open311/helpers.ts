// Shared helpers of the Open311 tests: the GeoReport v2 element names, an XML reader, and
// helpers for posting requests.
import { expect } from 'chai'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import type { Response } from 'light-my-request'
import type { Client } from '../support/http.ts'

/** Element names of the GeoReport v2 spec (wiki.open311.org/GeoReport_v2), per element. */
export const SPEC = {
  discovery: ['changeset', 'contact', 'key_service', 'endpoints'],
  endpoint: ['specification', 'url', 'changeset', 'type', 'formats'],
  service: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  service_definition: ['service_code', 'attributes'],
  attribute: ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values'],
  value: ['key', 'name'],
  request: ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
    'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime',
    'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url'],
  post_response: ['service_request_id', 'token', 'service_notice', 'account_id'],
  token: ['service_request_id', 'token'],
  error: ['code', 'description'],
} as const

/** The documented gridgov: extension elements. */
export const EXTENSIONS = ['gridgov:status', 'gridgov:status_title', 'gridgov:demand_type', 'gridgov:grid_code', 'gridgov:community_code']
export const GRIDGOV_NS = 'https://gridgov.invalid/open311/v2/extensions'

const REPEATED = new Set(['service', 'request', 'error', 'attribute', 'value', 'endpoint', 'format'])
const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: true,
  isArray: (name) => REPEATED.has(name),
})

export type XmlTree = Record<string, unknown>

/** Parses an XML response (well-formedness checked first) into a tree; values stay strings. */
export function xml(res: Response): XmlTree {
  expect(res.headers['content-type']).to.match(/^text\/xml; charset=utf-8/)
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), res.body.slice(0, 80)).to.equal(true)
  const valid = XMLValidator.validate(res.body)
  expect(valid, JSON.stringify(valid)).to.equal(true)
  return parser.parse(res.body) as XmlTree
}

export function json(res: Response): unknown {
  expect(res.headers['content-type']).to.match(/^application\/json; charset=utf-8/)
  return res.json()
}

/** Every child element name of `node` is a spec name (or a documented extension), and the required ones are there. */
export function expectElements(node: unknown, allowed: readonly string[], required: readonly string[] = allowed, extensions: readonly string[] = []): void {
  expect(node).to.be.an('object')
  const names = Object.keys(node as object).filter((k) => !k.startsWith('@_'))
  for (const n of names) expect([...allowed, ...extensions], `unexpected element ${n}`).to.include(n)
  for (const n of required) expect(names, `missing element ${n}`).to.include(n)
}

/** Text of an element: empty elements parse as '' (XMLBuilder writes <x/>). */
export const textOf = (v: unknown): string => (v === undefined || v === null ? '' : String(v))

/** The GeoReport error list of an error response (XML or JSON, by the path's extension). */
export function errorsOf(res: Response): { code: number; description: string }[] {
  const type = String(res.headers['content-type'] ?? '')
  expect(type, 'an Open311 error is never problem JSON').to.not.match(/problem\+json/)
  if (type.startsWith('text/xml')) {
    const tree = xml(res)
    const errs = (tree.errors as { error: { code: string; description: string }[] }).error
    return errs.map((e) => ({ code: Number(e.code), description: textOf(e.description) }))
  }
  return (res.json() as { code: number; description: string }[])
}

/** Whether the error middleware already writes GeoReport errors on /open311 (the errors.ts patch). */

export function expectError(res: Response, status: number, pattern: RegExp): void {
  expect(res.statusCode, res.body).to.equal(status)
  const errs = errorsOf(res)
  expect(errs.length).to.be.greaterThan(0)
  expect(errs.every((e) => e.code === status), JSON.stringify(errs)).to.equal(true)
  expect(errs.map((e) => e.description).join(' | ')).to.match(pattern)
}

/** POST form-encoded (application/x-www-form-urlencoded), as most Open311 clients do. */
export function postForm(client: Client, url: string, fields: Record<string, string | number>, headers: Record<string, string> = {}) {
  const payload = Object.entries(fields).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')
  return client.request({ method: 'POST', url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } })
}
