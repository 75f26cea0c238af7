// The matcher against the small demo city: exact addresses, the ways people misspell them
// (typos, missing levels, full-width digits, aliases, numerals, shorthand), partial matches at
// a shallower level, ambiguity and inputs that match nothing. Rows are read from the database,
// so the tests follow the generated city rather than hard-coded names.
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { geocodeAddresses, MATCH_THRESHOLD, type GeocodeResult } from '../../server/addresses/matcher.ts'
import { forgetGazetteers } from '../../server/addresses/repository.ts'
import { perturb, perturbAll, perturbations, tail, type StdAddress } from './perturb.ts'

const CITY = '990100'

interface Row extends StdAddress { community_code: string; lon: number; lat: number }

describe('address matcher', () => {
  let knex: Knex
  let rows: Row[]
  let doorplates: Row[]
  const geocode = (inputs: string[], alternatives = 3) => geocodeAddresses(knex, CITY, inputs, alternatives)
  const one = async (input: string, alternatives = 3): Promise<GeocodeResult> => (await geocode([input], alternatives))[0]!

  before(async () => {
    knex = await getTestDb()
    forgetGazetteers(knex)
    rows = (await knex.raw(`SELECT id::int AS id, level, full_address, community_code, road, house_number, estate,
      building, unit, room, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM std_address WHERE city_code = ? ORDER BY id`, [CITY])).rows
    doorplates = rows.filter((r) => r.level !== 40)
    expect(doorplates.length).to.be.greaterThan(100)
  })

  it('matches every standard address written out in full to itself, score 1, at its own level', async () => {
    const results = await geocode(doorplates.map((r) => r.full_address))
    results.forEach((res, i) => {
      const r = doorplates[i]!
      expect(res.status, r.full_address).to.equal('matched')
      expect(res.match!.id, r.full_address).to.equal(r.id)
      expect(res.match!.score).to.equal(1)
      expect(res.match!.matchedLevel).to.equal(r.level)
      expect(res.match!.address).to.equal(r.full_address)
      expect(res.match!.lon).to.be.closeTo(r.lon, 1e-9)
      expect(res.match!.communityCode).to.equal(r.community_code)
      expect(res.match!.streetCode).to.equal(`${r.community_code.slice(0, 9)}000`)
      expect(res.match!.districtCode).to.equal(`${r.community_code.slice(0, 6)}000000`)
    })
  })

  for (const kind of perturbations) {
    it(`finds the original address through '${kind}' for every doorplate and room`, async () => {
      const inputs = doorplates.map((r) => perturb(r, kind))
      const results = await geocode(inputs)
      const wrong = results.map((res, i) => (res.match?.id === doorplates[i]!.id ? null : `${inputs[i]} → ${res.match?.address ?? 'no match'}`))
        .filter((x) => x !== null)
      expect(wrong, wrong.slice(0, 5).join('\n')).to.deep.equal([])
    })
  }

  it('finds the original through several perturbations at once', async () => {
    const combos = [['drop-admin', 'road-typo', 'full-width'], ['drop-prefix', 'estate-typo', 'chinese-numerals', 'spaces'],
      ['aliases', 'shorthand', 'road-typo']] as const
    for (const combo of combos) {
      const inputs = doorplates.map((r) => perturbAll(r, combo))
      const results = await geocode(inputs)
      const right = results.filter((res, i) => res.match?.id === doorplates[i]!.id).length
      // A road typo with no admin names left can hit a similar road: allow 2 %.
      expect(right / inputs.length, combo.join('+')).to.be.at.least(0.98)
    }
  })

  it('scores a typo below an exact match and says which component disagreed', async () => {
    const r = doorplates.find((d) => d.level === 50 && !d.estate && /[设民华光和平明新城河康泰园阳福安兴文景锦花家]/u.test(d.road!))!
    const res = await one(perturb(r, 'road-typo'))
    expect(res.match!.id).to.equal(r.id)
    expect(res.match!.score).to.be.below(1).and.at.least(MATCH_THRESHOLD)
    expect(res.match!.agreement.road).to.be.below(1).and.at.least(0.5)
    expect(res.match!.agreement.houseNumber).to.equal(1)
    expect(res.match!.matchedLevel).to.equal(50)
    expect(res.parsed.components.road).to.not.equal(r.road)
  })

  it('tolerates a wrong community name, at a cost', async () => {
    const r = doorplates.find((d) => d.level === 50 && !d.estate)!
    const other = rows.find((d) => d.community_code !== r.community_code)!
    const otherName = (await knex('admin_division').where({ code: other.community_code }).first('name')).name as string
    const ownName = (await knex('admin_division').where({ code: r.community_code }).first('name')).name as string
    const res = await one(r.full_address.replace(ownName, otherName))
    expect(res.match!.id).to.equal(r.id)
    expect(res.match!.agreement.community).to.equal(0)
    expect(res.match!.score).to.be.below(1)
  })

  it('falls back to the road in the named community when the house number does not exist', async () => {
    const r = rows.find((d) => d.level === 40)!
    const res = await one(`${r.full_address}99999号`)
    expect(res.status).to.equal('matched')
    expect(res.match!.id).to.equal(r.id)
    expect(res.match!.level).to.equal(40)
    expect(res.match!.matchedLevel).to.equal(40)
    expect(res.match!.agreement.houseNumber).to.equal(0)
    expect(res.match!.score).to.be.below(0.8)
  })

  it('matches a room that does not exist to its building, at level 50', async () => {
    const room = doorplates.find((d) => d.level === 60)!
    const res = await one(room.full_address.replace(/\d+室$/, '9999室'))
    expect(res.status).to.equal('matched')
    expect(res.match!.matchedLevel).to.equal(50)
    expect(res.match!.components.building).to.equal(room.building)
    expect(res.match!.agreement.room).to.equal(0)
  })

  it('prefers the doorplate itself over the rooms behind it when no room is asked for', async () => {
    const room = doorplates.find((d) => d.level === 60)!
    const building = doorplates.find((d) => d.level === 50 && d.estate === room.estate && d.building === room.building &&
      d.community_code === room.community_code)!
    const res = await one(building.full_address)
    expect(res.match!.id).to.equal(building.id)
    expect(res.alternatives.map((a) => a.level)).to.include(60)
  })

  it('reads a suffix-less estate with a number as estate + building (阳光花园3号)', async () => {
    const b = doorplates.find((d) => d.level === 50 && d.estate !== null)!
    const prefix = b.full_address.slice(0, b.full_address.length - tail(b).length)
    const res = await one(`${prefix}${b.estate}${b.building!.replace('号楼', '号')}`)
    expect(res.parsed.notes).to.include('road-suffix-missing')
    expect(res.match!.components.estate).to.equal(b.estate)
    expect(res.match!.components.building).to.equal(b.building)
  })

  it('flags a road named alone, without community, as ambiguous when it crosses communities', async () => {
    const roads = new Map<string, Row[]>()
    for (const r of rows.filter((d) => d.level === 40)) roads.set(r.road!, [...(roads.get(r.road!) ?? []), r])
    const [road] = [...roads].find(([, list]) => list.length >= 3)!
    const res = await one(road)
    expect(res.status).to.equal('matched')
    expect(res.match!.level).to.equal(40)
    expect(res.ambiguous).to.equal(true)
    expect(res.alternatives.length).to.be.at.least(2)
  })

  it('answers no match, with no alternatives, for text that names nothing', async () => {
    for (const input of ['XYZ', "'; DROP TABLE std_address; --", '🏠😀', '桃源区', '示范市某某区某某街道', '1234567']) {
      const res = await one(input)
      expect(res.status, input).to.equal('no_match')
      expect(res.match).to.equal(null)
      expect(res.alternatives, input).to.deep.equal([])
    }
    const { n } = await knex('std_address').count('* as n').first() as { n: string | number }
    expect(Number(n)).to.equal(rows.length)
  })

  it('answers no match with alternatives when only a weak candidate exists', async () => {
    const r = rows.find((d) => d.level === 40)!
    const res = await one(`${r.road}99999号`)
    expect(res.status).to.equal('no_match')
    expect(res.alternatives.length).to.be.greaterThan(0)
    expect(res.alternatives[0]!.score).to.be.below(MATCH_THRESHOLD)
  })

  it('keeps batch results in input order and limits alternatives', async () => {
    const picks = [doorplates[5]!, doorplates[50]!, doorplates[100]!]
    const results = await geocode([picks[0]!.full_address, 'XYZ', picks[1]!.full_address, picks[2]!.full_address], 1)
    expect(results.map((r) => r.match?.id ?? null)).to.deep.equal([picks[0]!.id, null, picks[1]!.id, picks[2]!.id])
    for (const r of results) expect(r.alternatives.length).to.be.at.most(1)
  })

  it('finds an address imported after the vocabulary was cached by its exact name', async () => {
    const r = doorplates.find((d) => d.level === 50 && !d.estate)!
    await one(r.full_address) // the gazetteer is cached now
    const inserted = await knex.raw(`INSERT INTO std_address (level, full_address, community_code, city_code, road, house_number, geom)
      SELECT 50, '示范市测试新路7号', community_code, city_code, '测试新路', '7号', geom FROM std_address WHERE id = ? RETURNING id::int AS id`, [r.id])
    const id = (inserted.rows as { id: number }[])[0]!.id
    try {
      const res = await one('测试新路7号')
      expect(res.match?.id).to.equal(id)
      expect(res.match?.score).to.equal(1)
    } finally {
      await knex('std_address').where({ id }).delete()
    }
  })

  it('never leaves the city it is asked about', async () => {
    const [res] = await geocodeAddresses(knex, '990200', [doorplates[0]!.full_address], 3)
    expect(res!.status).to.equal('no_match')
    expect(res!.alternatives).to.deep.equal([])
  })
})
