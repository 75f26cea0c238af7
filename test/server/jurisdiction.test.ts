import { expect } from 'chai'
import { adminPrefix, Jurisdiction } from '../../server/db/jurisdiction.ts'
import { getTestDb } from '../support/db.ts'

describe('jurisdiction', () => {
  it('turns admin codes into prefixes by level', () => {
    expect(adminPrefix('990100000000')).to.equal('9901')
    expect(adminPrefix('990102000000')).to.equal('990102')
    expect(adminPrefix('990102001000')).to.equal('990102001')
    expect(adminPrefix('990102001001')).to.equal('990102001001')
    expect(() => adminPrefix('9901')).to.throw(/12-digit/)
    expect(() => adminPrefix("99010200100'")).to.throw(/12-digit/)
  })

  it('drops areas nested in others and answers covers()', () => {
    const j = Jurisdiction.of(['990102001000', '990102001001', '990103000000'])
    expect(j.prefixes).to.deep.equal(['990102001', '990103'])
    expect(j.covers('990102001005')).to.equal(true)
    expect(j.covers('990102002001')).to.equal(false)
    expect(Jurisdiction.none().covers('990102001001')).to.equal(false)
  })

  it('overlaps() an area inside it or one that contains part of it, not a neighbour', () => {
    const street = Jurisdiction.of(['990102001000'])
    // checked against the codes themselves: inside, containing, beside
    const cases: [string, boolean][] = [['990102001001', true], ['990102001000', true], ['990102000000', true], ['990100000000', true],
      ['990102002000', false], ['990102002001', false], ['990103000000', false], ['880100000000', false]]
    for (const [area, want] of cases) {
      const byText = '990102001'.startsWith(adminPrefix(area)) || adminPrefix(area).startsWith('990102001')
      expect(byText, area).to.equal(want)
      expect(street.overlaps(area), area).to.equal(want)
    }
    expect(Jurisdiction.none().overlaps('990100000000')).to.equal(false)
  })

  it('filters rows in SQL, and an empty jurisdiction sees nothing', async () => {
    const knex = await getTestDb()
    const street = await Jurisdiction.of(['990102002000']).apply(knex('admin_division').select('code'), 'code')
    expect(street.length).to.be.greaterThan(1)
    expect(street.every((r: { code: string }) => r.code.startsWith('990102002'))).to.equal(true)
    expect(await Jurisdiction.none().apply(knex('admin_division').select('code'), 'code')).to.deep.equal([])
  })
})
