// Helpers for the WFS and OGC API Features tests: Basic credentials of the demo users, an XML
// parser that keeps prefixes (so tests see the namespaces clients see), and small tree queries.
import { expect } from 'chai'
import { XMLParser } from 'fast-xml-parser'
import type { Response } from 'light-my-request'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

export const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${DEMO_PASSWORD}`).toString('base64')}` })

export const WFS = '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0'

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, parseTagValue: false, parseAttributeValue: false })

/** An ordered element tree with prefixed names. */
export interface El { name: string; attrs: Record<string, string>; children: El[]; text: string }

export function parse(xml: string): El {
  const toEls = (items: Record<string, unknown>[]): El[] => items.flatMap((it) => {
    const name = Object.keys(it).find((k) => k !== ':@' && k !== '#text')
    if (!name || name.startsWith('?')) return []
    const content = it[name] as Record<string, unknown>[]
    const attrs = Object.fromEntries(Object.entries((it[':@'] ?? {}) as Record<string, string>).map(([k, v]) => [k.slice(1), String(v)]))
    const text = content.filter((c) => '#text' in c).map((c) => String(c['#text'])).join('').trim()
    return [{ name, attrs, children: toEls(content), text }]
  })
  const roots = toEls(parser.parse(xml) as Record<string, unknown>[])
  expect(roots, 'one root element').to.have.length(1)
  return roots[0]!
}

export const kids = (e: El, name?: string) => e.children.filter((c) => name === undefined || c.name === name)
export const kid = (e: El, name: string) => {
  const k = e.children.find((c) => c.name === name)
  expect(k, `${e.name} has ${name}`).to.not.equal(undefined)
  return k!
}
/** Every descendant with the name, depth first. */
export function all(e: El, name: string): El[] {
  return e.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)])
}

/** Asserts an OWS exception report with the code (and locator) and returns its text. */
export function expectException(res: Response, status: number, code: string, locator?: string): string {
  expect(res.statusCode, res.body).to.equal(status)
  expect(res.headers['content-type']).to.match(/^text\/xml/)
  expect(res.body.startsWith('<?xml'), 'XML declaration first').to.equal(true)
  expect(res.body).to.include('<ows:ExceptionReport')
  const root = parse(res.body)
  expect(root.name).to.equal('ows:ExceptionReport')
  const ex = kid(root, 'ows:Exception')
  expect(ex.attrs.exceptionCode).to.equal(code)
  if (locator !== undefined) expect(ex.attrs.locator?.toLowerCase()).to.equal(locator.toLowerCase())
  return kid(ex, 'ows:ExceptionText').text
}

/** The names of the elements in order, for schema-sequence checks. */
export const order = (e: El) => e.children.map((c) => c.name)

/** Asserts that `names` appear in `e` in this relative order (other elements may be between). */
export function expectSequence(e: El, names: string[]): void {
  const seen = order(e).filter((n) => names.includes(n))
  const sorted = [...seen].sort((a, b) => names.indexOf(a) - names.indexOf(b))
  expect(seen, `${e.name} children in schema order`).to.deep.equal(sorted)
}
