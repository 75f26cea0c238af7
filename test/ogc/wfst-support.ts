// Helpers for the WFS-T tests: transaction bodies (WFS 2.0.0 and 1.1.0) and fixture picks that
// do not depend on the generated city's exact numbers.
import type { Knex } from 'knex'

export const NS20 = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" ' +
  'xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:gridgov="https://gridgov.invalid/ns"'
export const NS11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" ' +
  'xmlns:gml="http://www.opengis.net/gml" xmlns:gridgov="https://gridgov.invalid/ns"'

export const tx20 = (body: string, handle = 'test') => `<?xml version="1.0" encoding="UTF-8"?>
<wfs:Transaction service="WFS" version="2.0.0" handle="${handle}" ${NS20}>${body}</wfs:Transaction>`

export const point = (lon: number, lat: number, srs = 'EPSG:4490') =>
  `<gml:Point srsName="${srs}"><gml:pos>${lon} ${lat}</gml:pos></gml:Point>`

export interface ComponentInput { id: string; name: string; community: string; lon: number; lat: number; state?: string }

export const componentXml = (c: ComponentInput) =>
  `<gridgov:components><gridgov:id>${c.id}</gridgov:id><gridgov:name>${c.name}</gridgov:name>` +
  `<gridgov:state>${c.state ?? '完好'}</gridgov:state><gridgov:community_code>${c.community}</gridgov:community_code>` +
  `<gridgov:geom>${point(c.lon, c.lat)}</gridgov:geom></gridgov:components>`

/** A polygon's GML 3.2 (exterior ring of lon/lat pairs in EPSG:4490). */
export const polygonXml = (ring: number[][]) =>
  `<gml:MultiSurface srsName="EPSG:4490"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>` +
  `${ring.map(([x, y]) => `${x} ${y}`).join(' ')}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface>`

/** An interior point of a community (the fixture city's), lon/lat. */
export async function pointIn(knex: Knex, community: string, shift = 0): Promise<{ lon: number; lat: number }> {
  const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM admin_division WHERE code = ?) s`, [community])
  return { lon: Number(rows[0].lon) + shift, lat: Number(rows[0].lat) }
}

let sequence = 0
/** A new 16-digit component id of the community's county and an existing class. */
export async function newComponentId(knex: Knex, community: string): Promise<string> {
  const cls = (await knex('component_class').orderBy('code').first('code')).code as string
  for (;;) {
    const id = `${community.slice(0, 6)}${cls}${String(900000 + (process.pid % 5000) * 10 + sequence++).padStart(6, '0').slice(-6)}`
    if (!(await knex('component').where({ id }).first('id'))) return id
  }
}

/** The exterior ring of a stored grid (lon/lat), for writing it back as GML. */
export async function ringOf(knex: Knex, code: string): Promise<number[][]> {
  const { rows } = await knex.raw('SELECT ST_AsGeoJSON(ST_GeometryN(geom, 1), 9)::json AS g FROM grid WHERE code = ? AND valid_to IS NULL', [code])
  return rows[0].g.coordinates[0] as number[][]
}
