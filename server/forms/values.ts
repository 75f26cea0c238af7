// A return checked against its form: the answers of an ODK instance (the XML web-forms,
// Enketo and Collect submit) or of a JSON object keyed by question name, typed by the form's
// fields, required questions present, simple constraints holding (constraint.ts), choices
// among the form's, geometries well-formed. The first failure is a 400 naming the question.
// ODK writes geo answers as "lat lon alt accuracy" (points of a trace or shape joined by ';');
// they are WGS-84, taken as CGCS2000 (the two agree to centimetres, below a phone's accuracy).
import type { Geometry, Position } from 'geojson'
import { badRequest } from '../http/errors.ts'
import { child, children, parseXml, text } from './xml.ts'
import { compileConstraint } from './constraint.ts'
import type { FormDef, FormField } from './xform.ts'

export type Answer = string | number | string[]

export interface ReadReturn {
  instanceId: string
  /** typed answers by question name (answers left empty are absent) */
  values: Record<string, Answer>
  /** the form's geometry question as GeoJSON (Point, MultiLineString or MultiPolygon) */
  geometry: Geometry
}

const MAX_TEXT = 10_000
const MAX_VERTICES = 5_000

const invalid = (f: FormField | string, detail: string) => {
  const name = typeof f === 'string' ? f : f.name
  return badRequest(`${name}: ${detail}`, { field: name }).coded('collection.invalid_value', { field: name, ...(typeof f === 'string' ? {} : { type: f.type }) })
}

/** The answers of an instance document, by the form's paths; its instanceID from <meta>. */
export function answersFromXml(form: FormDef, xml: string): { instanceId: string; raw: Record<string, unknown> } {
  const root = parseXml(xml, 'collection.bad_xml', 'instance').documentElement!
  if (root.localName !== form.instanceRoot || root.getAttribute('id') !== form.xformId) {
    throw badRequest(`the instance is not of form ${form.xformId} (root <${form.instanceRoot} id="${form.xformId}">)`, { field: 'id' }).coded('collection.wrong_form', { field: 'id' })
  }
  const raw: Record<string, unknown> = {}
  for (const f of form.fields) {
    let el = root
    for (const seg of f.path.split('/').slice(2)) {
      const next = child(el, seg)
      if (!next) break
      el = next
    }
    if (el !== root && el.localName === f.name && children(el).length === 0) raw[f.name] = text(el)
  }
  const meta = child(root, 'meta')
  return { instanceId: text(meta && child(meta, 'instanceID')), raw }
}

/** Checks and types raw answers (strings from XML, or JSON values) against the form. */
export function checkReturn(form: FormDef, instanceId: string, raw: Record<string, unknown>, today: string): ReadReturn {
  if (!/^[\x21-\x7e]{1,200}$/.test(instanceId)) {
    throw badRequest('instanceId: the ODK instance id (meta/instanceID, e.g. uuid:…) is required, printable, at most 200 characters', { field: 'instanceId' }).coded('collection.invalid_value', { field: 'instanceId' })
  }
  const byName = new Map(form.fields.map((f) => [f.name, f]))
  for (const key of Object.keys(raw)) {
    if (!byName.has(key)) throw badRequest(`${key} is not a question of form ${form.xformId}`, { field: key }).coded('collection.unknown_field', { field: key })
  }
  const values: Record<string, Answer> = {}
  let geometry: Geometry | undefined
  for (const f of form.fields) {
    const v = raw[f.name]
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)
    if (empty) {
      if (f.required && !f.conditional) throw badRequest(`${f.name} (${f.label}) is required`, { field: f.name }).coded('collection.required', { field: f.name })
      continue
    }
    const typed = typeAnswer(f, v)
    if (f.constraint && f.constraintChecked) {
      const check = compileConstraint(f.constraint)!
      const dot = Array.isArray(typed) ? typed.join(' ') : typed
      if (!check(dot, today)) throw badRequest(`${f.name} (${f.label}) fails its constraint ${f.constraint}`, { field: f.name }).coded('collection.constraint', { field: f.name })
    }
    values[f.name] = typed
    if (f.name === form.geometry.name) geometry = geometryOf(f, String(typed))
  }
  if (!geometry) throw badRequest(`${form.geometry.name}: the return has no place (the form's geometry question is empty)`, { field: form.geometry.name }).coded('collection.required', { field: form.geometry.name })
  return { instanceId, values, geometry }
}

function typeAnswer(f: FormField, v: unknown): Answer {
  if (f.type === 'select_multiple') {
    const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.trim().split(/\s+/) : null
    if (!list || list.some((c) => !f.choices!.some((x) => x.value === c))) throw invalid(f, `not among the choices (${choiceList(f)})`)
    return [...new Set(list)]
  }
  if (f.type === 'int' || f.type === 'decimal') {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : NaN
    if (!Number.isFinite(n) || (f.type === 'int' && !Number.isSafeInteger(n))) throw invalid(f, f.type === 'int' ? 'not a whole number' : 'not a number')
    return n
  }
  if (typeof v !== 'string') throw invalid(f, 'expected text')
  const s = v.trim()
  if (s.length > MAX_TEXT) throw invalid(f, `longer than ${MAX_TEXT} characters`)
  switch (f.type) {
    case 'select_one':
      if (!f.choices!.some((x) => x.value === s)) throw invalid(f, `not among the choices (${choiceList(f)})`)
      return s
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) !== s) throw invalid(f, 'not a date (YYYY-MM-DD)')
      return s
    case 'dateTime':
      if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(Date.parse(s))) throw invalid(f, 'not a date and time (ISO 8601)')
      return s
    case 'time':
      if (!/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$/.test(s)) throw invalid(f, 'not a time (hh:mm:ss)')
      return s
    case 'image':
      // the attachment's file name, as ODK instances carry it
      if (s.length > 255 || /[/\\]/.test(s) || [...s].some((c) => c.charCodeAt(0) < 0x20)) throw invalid(f, 'not a file name')
      return s
    case 'geopoint': case 'geotrace': case 'geoshape':
      geometryOf(f, s)
      return s
    default:
      return s
  }
}

const choiceList = (f: FormField) => f.choices!.slice(0, 10).map((c) => c.value).join(', ')

/** An ODK geo answer as GeoJSON [lon, lat]; a shape is closed if its last point is not its first. */
export function geometryOf(f: FormField, s: string): Geometry {
  const parts = s.split(';').map((p) => p.trim()).filter(Boolean)
  if (parts.length > MAX_VERTICES) throw invalid(f, `more than ${MAX_VERTICES} points`)
  const pts: Position[] = parts.map((p) => {
    const n = p.split(/\s+/).map(Number)
    const [lat, lon] = n
    if (n.length < 2 || n.length > 4 || n.some((x) => !Number.isFinite(x)) || Math.abs(lat!) > 90 || Math.abs(lon!) > 180) {
      throw invalid(f, `"${p.slice(0, 60)}" is not "latitude longitude [altitude [accuracy]]"`)
    }
    return [lon!, lat!]
  })
  if (f.type === 'geopoint') {
    if (pts.length !== 1) throw invalid(f, 'a geopoint is one point')
    return { type: 'Point', coordinates: pts[0]! }
  }
  if (f.type === 'geotrace') {
    if (pts.length < 2) throw invalid(f, 'a geotrace needs at least 2 points')
    return { type: 'MultiLineString', coordinates: [pts] }
  }
  const [a, z] = [pts[0], pts[pts.length - 1]]
  const ring = a && z && a[0] === z[0] && a[1] === z[1] ? pts : [...pts, pts[0]!]
  if (ring.length < 4) throw invalid(f, 'a geoshape needs at least 3 distinct points')
  return { type: 'MultiPolygon', coordinates: [[ring]] }
}
