// studyCells(): the study area as H3 cells (every cell whose centre lies in the area), checked
// against PostGIS point-in-polygon on the centres of a wider candidate set.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js'
import { getTestDb } from '../support/db.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { studyCells } from '../../server/analytics/counts.ts'

/** Cells around the division's envelope whose centre PostGIS finds inside the division. */
async function reference(knex: Knex, code: string, res: number): Promise<string[]> {
  const { rows } = await knex.raw(`SELECT ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1
    FROM admin_division WHERE code = ?`, [code])
  const b = rows[0] as Record<string, number>
  const centre = latLngToCell((Number(b.y0) + Number(b.y1)) / 2, (Number(b.x0) + Number(b.x1)) / 2, res)
  // a disk wide enough to hold the whole envelope: its radius in cells from the diagonal
  let k = 1
  while (!gridDisk(centre, k).includes(latLngToCell(Number(b.y0), Number(b.x0), res)) ||
    !gridDisk(centre, k).includes(latLngToCell(Number(b.y1), Number(b.x1), res))) k++
  const candidates = gridDisk(centre, k + 2)
  const pts = candidates.map((c) => { const [lat, lon] = cellToLatLng(c); return { c, lon, lat } })
  const { rows: inside } = await knex.raw(`SELECT p.c FROM admin_division a, json_to_recordset(?::json) AS p(c text, lon float8, lat float8)
    WHERE a.code = ? AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4490))`, [JSON.stringify(pts), code])
  return (inside as { c: string }[]).map((r) => r.c).sort()
}

describe('analytics studyCells', () => {
  let knex: Knex
  before(async () => { knex = await getTestDb() })

  it('an area: exactly the cells whose centre lies in it, at resolutions 7-11', async () => {
    const scope = Jurisdiction.of(['990100000000'])
    for (const res of [7, 8, 9, 10, 11]) {
      const cells = await studyCells(knex, scope, '990102001001', res)
      expect(cells, `res ${res}`).to.deep.equal(await reference(knex, '990102001001', res))
    }
  })

  it('no area: the union of the jurisdiction\'s divisions', async () => {
    const scope = Jurisdiction.of(['990102001000', '990102002001'])
    const cells = await studyCells(knex, scope, undefined, 9)
    const expected = [...new Set([...await reference(knex, '990102001000', 9), ...await reference(knex, '990102002001', 9)])].sort()
    expect(cells).to.deep.equal(expected)
    expect(cells.length).to.be.greaterThan(10)
  })

  it('an empty jurisdiction has no cells', async () => {
    expect(await studyCells(knex, Jurisdiction.none(), undefined, 9)).to.deep.equal([])
  })
})
