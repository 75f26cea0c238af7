// proj4 (used at the edges: REST, WMS, WFS) must agree with PostGIS ST_Transform (used in SQL),
// or a feature would move depending on which side converted it.
import { expect } from 'chai'
import { getTestDb } from '../support/db.ts'
import { fromStorage, parseCrs, proj4Definition } from '../../server/geo/crs.ts'

describe('geo/crs against PostGIS', () => {
  it('uses the same projection parameters as spatial_ref_sys for 3857 and every GK zone', async () => {
    const knex = await getTestDb()
    const { rows } = await knex.raw(
      'SELECT srid, proj4text FROM spatial_ref_sys WHERE srid = 3857 OR srid BETWEEN 4513 AND 4554 ORDER BY srid') as { rows: { srid: number; proj4text: string }[] }
    expect(rows.length).to.equal(43)
    const params = (def: string) => Object.fromEntries(def.trim().split(/\s+/).map((p) => p.split('='))
      .filter(([k]) => ['+proj', '+lat_0', '+lon_0', '+k', '+x_0', '+y_0', '+ellps', '+a', '+b'].includes(k!))
      .map(([k, v]) => [k, Number.isNaN(Number(v)) ? v : Number(v)]))
    for (const r of rows) expect(params(proj4Definition(r.srid)), `SRID ${r.srid}`).to.deep.equal(params(r.proj4text))
  })

  it('projects points of the demo city to EPSG:4527, 4548 and 3857 within 1 mm of ST_Transform', async () => {
    const knex = await getTestDb()
    const pts: [number, number][] = [[115.9858, 36.4382], [116.0, 36.45], [116.0186, 36.4636], [117.9, 41.2], [115.6, 22.3]]
    for (const srid of [4527, 4548, 3857]) {
      const crs = parseCrs(`EPSG:${srid}`)
      for (const [lon, lat] of pts) {
        const { rows } = await knex.raw(
          'SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4490), ?::int) AS g',
          [lon, lat, srid]) as { rows: { x: number; y: number }[] }
        // PostGIS stores easting as X; our GK answer is northing-first like the EPSG definition.
        const [a, b] = fromStorage(lon, lat, crs)
        const [easting, northing] = crs.latFirst ? [b, a] : [a, b]
        expect(Math.abs(easting - rows[0]!.x), `${srid} ${lon},${lat} x`).to.be.lessThan(0.001)
        expect(Math.abs(northing - rows[0]!.y), `${srid} ${lon},${lat} y`).to.be.lessThan(0.001)
      }
    }
  })
})
