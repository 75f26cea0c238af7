// Reads an ODK XForm (XForms 1.0 with the ODK/JavaRosa extensions, as pyxform, ODK Build and
// KoboToolbox write it) into the fields the server checks returns against. What is read: the
// primary instance's leaves (their paths), each leaf's <bind> (type, required, constraint,
// relevant, calculate, readonly), the body control that asks it (input, select1, select,
// upload) with its label and choices — inline <item>s (ODK Build, older pyxform) or an
// <itemset> over a secondary instance (pyxform 2), labels plain or through <itext> (the
// default translation). What is refused, naming the question: a leaf without a bind, a type
// outside the ones listed below, a repeat (returns are one row of a layer), a form without a
// geometry question (its returns would have nowhere to be on the map).
import type { Element } from '@xmldom/xmldom'
import { badRequest } from '../http/errors.ts'
import { attribute, child, children, parseXml, text } from './xml.ts'
import { compileConstraint } from './constraint.ts'

export const FIELD_TYPES = ['string', 'int', 'decimal', 'date', 'dateTime', 'time', 'select_one', 'select_multiple',
  'image', 'geopoint', 'geotrace', 'geoshape'] as const
export type FieldType = (typeof FIELD_TYPES)[number]
export const GEO_TYPES: readonly FieldType[] = ['geopoint', 'geotrace', 'geoshape']

export interface Choice { value: string; label: string }

export interface FormField {
  /** the leaf's element name (unique in a form) */
  name: string
  path: string
  type: FieldType
  label: string
  /** required="true()"; a question that is only sometimes asked (relevant) is not enforced here */
  required: boolean
  conditional: boolean
  constraint: string | null
  /** whether the server evaluates the constraint (simple ones only: constraint.ts) */
  constraintChecked: boolean
  choices: Choice[] | null
  /** the attribute name on the form's layer (lower snake case) */
  attribute: string
}

export interface FormDef {
  xformId: string
  version: string
  title: string
  /** the root element of the primary instance (and of every submitted instance) */
  instanceRoot: string
  geometry: { name: string; type: 'geopoint' | 'geotrace' | 'geoshape' }
  fields: FormField[]
}

/** Attribute names every form layer has already (server/forms/layer.ts). */
export const RESERVED_ATTRIBUTES = ['return_id', 'task_id', 'grid_code', 'community_code', 'submitted_at']

const refuse = (code: string, field: string, detail: string, params: Record<string, string> = {}) =>
  badRequest(detail, { field }).coded(code, { field, ...params })

interface Bind { type: string; required: boolean; conditional: boolean; constraint: string | null; calculated: boolean }
interface Control { kind: string; label: Element | undefined; el: Element; conditional: boolean }

/** Parses and validates an XForm; every refusal is a 400 naming the question or element. */
export function readXForm(xml: string): FormDef {
  const doc = parseXml(xml, 'forms.bad_xml', 'xform')
  const html = doc.documentElement!
  const head = child(html, 'head')
  const model = head && child(head, 'model')
  const body = child(html, 'body')
  if (html.localName !== 'html' || !model || !body) throw refuse('forms.not_xform', 'xform', 'not an XForm: expected <h:html> with <h:head><model> and <h:body>')
  const instances = children(model, 'instance')
  const primary = instances.find((i) => !attribute(i, 'id')) ?? instances[0]
  const root = primary && children(primary)[0]
  if (!root) throw refuse('forms.not_xform', 'instance', 'the model has no primary instance')
  const xformId = attribute(root, 'id')
  if (!xformId) throw refuse('forms.missing_id', 'id', `the primary instance <${root.localName}> has no id attribute`)
  const itext = translations(model)
  const binds = readBinds(model)
  const controls = readControls(body)
  const fields: FormField[] = []
  for (const [path, leaf] of leaves(root, `/${root.localName}`)) {
    if (path.startsWith(`/${root.localName}/meta/`)) continue
    if (attribute(leaf, 'template') !== undefined) throw refuse('forms.unsupported', path, `${path} is a repeat: a return is one row of the form's layer, repeats are not supported`)
    const bind = binds.get(path)
    if (!bind) throw refuse('forms.missing_bind', path, `${path} has no <bind>: its type is not declared`)
    const control = controls.get(path)
    fields.push(field(path, bind, control, model, itext))
  }
  if (fields.length === 0) throw refuse('forms.no_fields', 'instance', 'the form has no question')
  if (fields.length > 300) throw refuse('forms.too_many_fields', 'instance', 'at most 300 questions')
  checkNames(fields)
  const geo = fields.find((f) => GEO_TYPES.includes(f.type))
  if (!geo) throw refuse('forms.no_geometry', 'geometry', 'the form has no geopoint, geotrace or geoshape question: its returns would have no place on the map')
  const title = text(head && child(head, 'title')) || xformId
  return {
    xformId: xformId.slice(0, 200), version: (attribute(root, 'version') ?? '').slice(0, 100), title: title.slice(0, 200),
    instanceRoot: root.localName!, geometry: { name: geo.name, type: geo.type as FormDef['geometry']['type'] }, fields,
  }
}

function* leaves(el: Element, path: string): Generator<[string, Element]> {
  const kids = children(el)
  if (kids.length === 0) { yield [path, el]; return }
  if (attribute(el, 'template') !== undefined) { yield [path, el]; return }
  for (const k of kids) yield* leaves(k, `${path}/${k.localName}`)
}

function readBinds(model: Element): Map<string, Bind> {
  const out = new Map<string, Bind>()
  for (const b of children(model, 'bind')) {
    const nodeset = attribute(b, 'nodeset') ?? attribute(b, 'ref')
    if (!nodeset) continue
    const required = (attribute(b, 'required') ?? 'false()').replace(/\s/g, '')
    out.set(nodeset, {
      type: (attribute(b, 'type') ?? 'string').replace(/^xsd:/, ''),
      required: required === 'true()',
      // a required expression or a relevance can only be judged with the whole form's logic
      conditional: !['true()', 'false()'].includes(required) || attribute(b, 'relevant') !== undefined,
      constraint: attribute(b, 'constraint') ?? null,
      calculated: attribute(b, 'calculate') !== undefined,
    })
  }
  return out
}

/** The body's controls by absolute ref; controls inside a relevant-carrying group are conditional. */
function readControls(body: Element): Map<string, Control> {
  const out = new Map<string, Control>()
  const walk = (el: Element, base: string, conditional: boolean) => {
    for (const c of children(el)) {
      const ref = attribute(c, 'ref') ?? attribute(c, 'nodeset')
      const abs = ref === undefined ? base : ref.startsWith('/') ? ref : `${base}/${ref}`
      const kind = c.localName!
      if (kind === 'repeat') throw refuse('forms.unsupported', abs, `${abs} is a repeat: a return is one row of the form's layer, repeats are not supported`)
      if (kind === 'group') { walk(c, abs, conditional || attribute(c, 'relevant') !== undefined); continue }
      if (ref !== undefined) out.set(abs, { kind, label: child(c, 'label'), el: c, conditional })
    }
  }
  walk(body, '', false)
  return out
}

function field(path: string, bind: Bind, control: Control | undefined, model: Element, itext: Map<string, string>): FormField {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const type = typeOf(path, bind, control)
  const constraint = bind.constraint
  const choices = type === 'select_one' || type === 'select_multiple' ? choicesOf(path, control!, model, itext) : null
  return {
    name, path, type, label: (labelOf(control?.label, itext) || name).slice(0, 200),
    required: bind.required, conditional: bind.conditional || (control?.conditional ?? false),
    constraint, constraintChecked: constraint !== null && compileConstraint(constraint) !== null,
    choices, attribute: attributeName(name),
  }
}

function typeOf(path: string, bind: Bind, control: Control | undefined): FieldType {
  if (control?.kind === 'select1') return 'select_one'
  if (control?.kind === 'select') return 'select_multiple'
  const t = bind.type === 'integer' ? 'int' : bind.type
  if (t === 'binary') {
    const media = control ? attribute(control.el, 'mediatype') ?? '' : ''
    if (/^image\//.test(media)) return 'image'
    throw refuse('forms.unknown_type', path, `${path}: type binary (${media || 'no mediatype'}) is not supported; image/* uploads are`, { type: `binary ${media}`.trim() })
  }
  if ((['string', 'int', 'decimal', 'date', 'dateTime', 'time', 'geopoint', 'geotrace', 'geoshape'] as string[]).includes(t)) return t as FieldType
  throw refuse('forms.unknown_type', path, `${path}: type "${bind.type}" is not supported (string, int, decimal, date, dateTime, time, select_one, select_multiple, image, geopoint, geotrace, geoshape)`, { type: bind.type.slice(0, 40) })
}

function choicesOf(path: string, control: Control, model: Element, itext: Map<string, string>): Choice[] {
  const items = children(control.el, 'item')
  if (items.length) return items.map((i) => ({ value: text(child(i, 'value')), label: labelOf(child(i, 'label'), itext) }))
  const itemset = child(control.el, 'itemset')
  const m = /^instance\(\s*'([^']+)'\s*\)\/root\/item/.exec(itemset ? attribute(itemset, 'nodeset') ?? '' : '')
  const source = m && children(model, 'instance').find((i) => attribute(i, 'id') === m[1])
  const list = source && child(source, 'root')
  if (!itemset || !list) throw refuse('forms.missing_choices', path, `${path}: a select without items or a readable itemset`)
  const valueRef = attribute(child(itemset, 'value') ?? itemset, 'ref') ?? 'name'
  const labelRef = attribute(child(itemset, 'label') ?? itemset, 'ref') ?? 'label'
  const itextRef = /^jr:itext\((\w+)\)$/.exec(labelRef)
  return children(list, 'item').map((i) => ({
    value: text(child(i, valueRef)),
    label: itextRef ? itext.get(text(child(i, itextRef[1]!))) ?? '' : text(child(i, labelRef)),
  }))
}

/** A label, plain or jr:itext('id') from the default (or first) translation. */
function labelOf(label: Element | undefined, itext: Map<string, string>): string {
  if (!label) return ''
  const m = /^jr:itext\('([^']+)'\)$/.exec(attribute(label, 'ref') ?? '')
  return m ? itext.get(m[1]!) ?? '' : text(label)
}

function translations(model: Element): Map<string, string> {
  const out = new Map<string, string>()
  const block = child(model, 'itext')
  if (!block) return out
  const all = children(block, 'translation')
  const chosen = all.find((t) => attribute(t, 'default') !== undefined) ?? all[0]
  for (const t of chosen ? children(chosen, 'text') : []) {
    const values = children(t, 'value')
    const plain = values.find((v) => attribute(v, 'form') === undefined) ?? values[0]
    out.set(attribute(t, 'id') ?? '', text(plain))
  }
  return out
}

/** Layer attribute names: lower snake case (XML names may hold '-' and '.', WFS filters and tiles prefer not). */
function attributeName(name: string): string {
  const a = name.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 60)
  return /^[a-z]/.test(a) ? a : `f_${a}`
}

function checkNames(fields: FormField[]): void {
  const seen = new Set<string>()
  for (const f of fields) {
    if (RESERVED_ATTRIBUTES.includes(f.attribute)) throw refuse('forms.reserved_name', f.path, `${f.path}: the name ${f.attribute} is taken by the layer's own attributes`)
    if (seen.has(f.attribute)) throw refuse('forms.duplicate_name', f.path, `${f.path}: another question has the name ${f.attribute}`)
    seen.add(f.attribute)
  }
}
