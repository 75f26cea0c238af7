// GPX 1.1 (http://www.topografix.com/GPX/1/1) of a member's track: one trk, one trkseg per
// continuous piece, trkpt with ele and time; stops (and filtered fixes when asked for) as wpt.
// Element order follows the schema's sequences (metadata, wpt*, trk; in wpt: ele, time, name,
// desc, type), which strict readers check. Written by concatenation: tens of thousands of
// trkpt are numbers and times that need no escaping; the few texts go through escapeXml.
import { escapeXml } from '../http/errors.ts'
import type { TrackFix } from './trajectory.ts'

export interface GpxInput {
  name: string
  /** the piece's fixes as kept (after simplification) */
  pieces: readonly (readonly TrackFix[])[]
  stops: readonly { start: number; end: number; seconds: number; lon: number; lat: number; gridCode: string | null }[]
  filtered: readonly TrackFix[]
  created: Date
}

// XML 1.0 forbids most C0 controls even escaped; a name from the database could hold one.
// eslint-disable-next-line no-control-regex
const text = (s: string) => escapeXml(s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''))
const latLon = (lat: number, lon: number) => `lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"`
const iso = (t: number) => new Date(t).toISOString()

function bounds(all: readonly { lon: number; lat: number }[]): string {
  if (!all.length) return ''
  let minLat = Infinity, minLon = Infinity, maxLat = -Infinity, maxLon = -Infinity
  for (const p of all) {
    minLat = Math.min(minLat, p.lat); maxLat = Math.max(maxLat, p.lat)
    minLon = Math.min(minLon, p.lon); maxLon = Math.max(maxLon, p.lon)
  }
  return `<bounds minlat="${minLat.toFixed(7)}" minlon="${minLon.toFixed(7)}" maxlat="${maxLat.toFixed(7)}" maxlon="${maxLon.toFixed(7)}"/>`
}

function trkpt(f: TrackFix): string {
  const ele = f.altitude === null ? '' : `<ele>${f.altitude}</ele>`
  return `<trkpt ${latLon(f.lat, f.lon)}>${ele}<time>${iso(f.t)}</time></trkpt>`
}

export function writeGpx(g: GpxInput): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<gpx version="1.1" creator="gridgov" xmlns="http://www.topografix.com/GPX/1/1" ',
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
    'xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd">\n',
    `<metadata><name>${text(g.name)}</name><time>${g.created.toISOString()}</time>${bounds([...g.pieces.flat(), ...g.filtered])}</metadata>\n`,
  ]
  g.stops.forEach((s, i) => out.push(`<wpt ${latLon(s.lat, s.lon)}><time>${iso(s.start)}</time><name>停留 ${i + 1}</name>`,
    `<desc>${iso(s.start)} – ${iso(s.end)}，${Math.round(s.seconds / 60)} 分钟${s.gridCode ? `，网格 ${text(s.gridCode)}` : ''}</desc><type>stop</type></wpt>\n`))
  for (const f of g.filtered) {
    out.push(`<wpt ${latLon(f.lat, f.lon)}><time>${iso(f.t)}</time><name>已过滤</name><desc>${text(f.filter ?? '')}</desc><type>filtered</type></wpt>\n`)
  }
  out.push(`<trk><name>${text(g.name)}</name>\n`)
  for (const piece of g.pieces) {
    out.push('<trkseg>\n')
    for (const f of piece) out.push(trkpt(f), '\n')
    out.push('</trkseg>\n')
  }
  out.push('</trk>\n</gpx>\n')
  return out.join('')
}
