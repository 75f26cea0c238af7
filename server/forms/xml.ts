// The small DOM helpers the XForm reader and the instance reader share (@xmldom/xmldom: no
// external entity is ever fetched, so an uploaded form cannot make the server read a file).
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom'
import { badRequest } from '../http/errors.ts'

const ELEMENT = 1

/** Parses XML; anything that is not well-formed is a 400 coded `code`, naming `field`. */
export function parseXml(text: string, code: string, field: string): Document {
  const problems: string[] = []
  let doc: Document | undefined
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') problems.push(msg) } }).parseFromString(text, 'text/xml')
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err))
  }
  if (!doc?.documentElement || problems.length) {
    throw badRequest(`${field} is not well-formed XML: ${(problems[0] ?? 'no root element').slice(0, 200)}`, { field }).coded(code, { field })
  }
  return doc
}

/** The element children of a node (any namespace), optionally only those of one local name. */
export function children(node: Node, localName?: string): Element[] {
  const out: Element[] = []
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT && (localName === undefined || (c as Element).localName === localName)) out.push(c as Element)
  }
  return out
}

export const child = (node: Node, localName: string): Element | undefined => children(node, localName)[0]

/** Every element below a node, depth first. */
export function* descendants(node: Node): Generator<Element> {
  for (const c of children(node)) {
    yield c
    yield* descendants(c)
  }
}

export const text = (el: Element | undefined): string => (el?.textContent ?? '').trim()

/** An attribute by its local name, whatever prefix the form gave it (jr:, odk:, none). */
export function attribute(el: Element, localName: string): string | undefined {
  const attrs = el.attributes
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs.item(i)!
    if ((a.localName ?? a.name) === localName) return a.value
  }
  return undefined
}
