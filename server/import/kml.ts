// KML (and KMZ, its zip) → features, in JavaScript so it works without GDAL (embedded mode):
// @xmldom/xmldom parses the XML, @tmcw/togeojson (the maintained successor of Mapbox's
// togeojson) turns Placemarks into GeoJSON features, ExtendedData into properties. togeojson
// drops an unreadable coordinate without a word, which would silently cut a vertex out of a
// boundary, so every <coordinates> text is checked first: a broken one is a 400 naming the
// Placemark. Altitudes are dropped (the storage is 2D); KML is always WGS84 longitude, latitude.
import { DOMParser, type Element, type Node } from '@xmldom/xmldom'
import { kml } from '@tmcw/togeojson'
import { AppError } from '../http/errors.ts'
import type { InputFeature } from '../grids/candidates.ts'

const refuse = (detail: string, where?: string) =>
  new AppError(400, 'bad_import_file', detail).coded('vector_import.bad_kml', where ? { where } : {})

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const ELEMENT = 1

function* elements(node: Node): Generator<Element> {
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === ELEMENT) {
      yield c as Element
      yield* elements(c)
    }
  }
}

/** The Placemark an element belongs to, as "Placemark n (name)" for messages. */
function placemarkOf(el: Element, index: Map<Element, number>): string {
  for (let p: Node | null = el; p; p = p.parentNode) {
    if (p.nodeType === ELEMENT && (p as Element).localName === 'Placemark') {
      const pm = p as Element
      const name = [...elements(pm)].find((e) => e.localName === 'name' && e.parentNode === pm)?.textContent?.trim()
      return `Placemark ${index.get(pm)}${name ? ` (${name.slice(0, 40)})` : ''}`
    }
  }
  return 'a geometry outside any Placemark'
}

/** Every coordinate tuple must be 2 or 3 finite numbers with a longitude and latitude in range. */
function checkCoordinates(doc: Node): void {
  const all = [...elements(doc)]
  const index = new Map(all.filter((e) => e.localName === 'Placemark').map((e, i) => [e, i] as [Element, number]))
  for (const el of all) {
    if (el.localName !== 'coordinates') continue
    const tuples = (el.textContent ?? '').trim().split(/\s+/).filter(Boolean)
    if (!tuples.length) throw refuse(`${placemarkOf(el, index)}: empty <coordinates>`, placemarkOf(el, index))
    for (const t of tuples) {
      const parts = t.split(',')
      const ok = parts.length >= 2 && parts.length <= 3 && parts.every((p) => NUMBER.test(p) && Number.isFinite(Number(p)))
        && Math.abs(Number(parts[0])) <= 180 && Math.abs(Number(parts[1])) <= 90
      if (!ok) {
        const where = placemarkOf(el, index)
        throw refuse(`${where}: "${t.slice(0, 60)}" is not a coordinate (longitude,latitude[,altitude])`, where)
      }
    }
  }
}

const flat = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? c.slice(0, 2) : Array.isArray(c) ? c.map(flat) : c)

function flatten(g: unknown): unknown {
  const geom = g as { type?: string; coordinates?: unknown; geometries?: unknown[] } | null
  if (!geom) return geom
  if (geom.type === 'GeometryCollection') return { ...geom, geometries: (geom.geometries ?? []).map(flatten) }
  return { ...geom, coordinates: flat(geom.coordinates) }
}

/** The Placemarks of a KML document as features (properties: name, description, ExtendedData). */
export function readKml(data: Buffer): InputFeature[] {
  const text = data.toString('utf8').replace(/^\uFEFF/, '')
  let doc
  try {
    doc = new DOMParser({
      onError: (level, message) => { if (level !== 'warning') throw new Error(message) },
    }).parseFromString(text, 'text/xml')
  } catch (err) {
    throw refuse(`not well-formed KML: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`)
  }
  if (doc.documentElement?.localName !== 'kml') throw refuse('not a KML document (the root element is not <kml>)')
  checkCoordinates(doc)
  const collection = kml(doc)
  const features = collection.features.map((f) => {
    // togeojson's styling properties are not attributes of the data
    const props = Object.fromEntries(Object.entries(f.properties ?? {}).filter(([k]) => !/^(styleUrl|styleHash|styleMapHash|stroke|stroke-opacity|stroke-width|fill|fill-opacity|icon|visibility)$/.test(k)))
    return { geometry: flatten(f.geometry), properties: props }
  })
  if (!features.length) throw refuse('the KML has no Placemark')
  return features
}
