// The matrix's register rows (issue 14), planted in each site beside plant.ts's records: a house
// with its owner, a resident living there (ID number sealed as the people register keeps it), a
// special-group record of that resident with a visit (through the API), and a row of every other
// register with a layer (place, unit, organisation, team, party position, line), each at its own
// offset from the site's centre (OFFSET in channels/ogc.ts) and named with the site's tag.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { checkCharacter, sealIdNumber } from '../../server/privacy/idNumber.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'
import type { RegisterSite, Site } from './site.ts'

const CITY = '990100'


/** Where each register row lies, as an offset from the site's centre. */
export const REGISTER_OFFSETS: Record<string, [number, number]> = {
  houses: [0.0015, 0.0015], special_groups: [0.0015, 0.0015], places: [-0.0015, 0.0015], units: [-0.0015, -0.0015],
  organisations: [0.0015, -0.0015], teams: [0.0025, 0], party_positions: [-0.0025, 0], lines: [0, 0.003],
  cameras: [0.003, -0.003], sensors: [-0.003, 0.003],
}

const phone = () => `13${7 + Math.floor(Math.random() * 2)}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`

async function tableExists(knex: Knex, table: string): Promise<boolean> {
  const { rows } = await knex.raw('SELECT to_regclass(?) IS NOT NULL AS ok', [table]) as { rows: { ok: boolean }[] }
  return rows[0]!.ok
}

export async function plantRegisters(client: Client, knex: Knex, command: Record<string, string>, s: Site): Promise<RegisterSite> {
  const [lon, lat] = s.center
  const at = (layer: string) => knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon + REGISTER_OFFSETS[layer]![0], lat + REGISTER_OFFSETS[layer]![1]])
  const base = { city_code: CITY, community_code: s.community }
  const out = { layerKeys: {} as Record<string, string>, peopleMarkers: [`${s.tag}-SG`, `${s.tag}-HS`] } as RegisterSite
  out.ownerPhone = phone()
  const [house] = await knex('house').insert({ ...base, grid_code: s.grid, full_address: `示范市矩阵路${s.tag}-HS号1单元101室`, owner_name: `房主${s.tag}`, owner_phone: out.ownerPhone, geom: at('houses') }).returning('id')
  out.houseId = Number(house.id)
  const first17 = `990102198${s.name === 'in' ? '1' : '2'}0101${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`
  out.residentIdNumber = first17 + checkCharacter(first17)
  const sealed = sealIdNumber(dataKeyring(), out.residentIdNumber, 'resident.id_number')
  out.residentPhone = phone()
  const [resident] = await knex('resident').insert({
    ...base, grid_code: s.grid, name: `矩阵人${s.tag}`, gender: Number(out.residentIdNumber[16]) % 2 ? 'M' : 'F', birth_date: `198${s.name === 'in' ? '1' : '2'}-01-01`,
    id_number_sealed: sealed.sealed, id_number_index: sealed.blindIndex, id_number_masked: sealed.masked, phone: out.residentPhone, kind: 'registered',
    house_id: out.houseId, geom: at('houses'),
  }).returning('id')
  out.residentId = Number(resident.id)
  await knex('resident_residence').insert({ resident_id: out.residentId, house_id: out.houseId, role: 'registered' })
  out.guardianPhone = phone()
  const since = new Date(Date.now() - 100 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)
  const sg = await client.post('/api/v1/special-groups', { residentId: out.residentId, kind: 'community_correction', riskLevel: 'high', since,
    guardianName: `监护${s.tag}`, guardianPhone: out.guardianPhone, note: `矩阵帮教 ${s.tag}-SG` }, command)
  expect(sg.statusCode, sg.body).to.equal(201)
  out.specialGroupId = sg.json().id
  // a visit 60 days ago: the weekly plan is overdue now (the overdue list shows the record)
  const visit = await client.post(`/api/v1/special-groups/${out.specialGroupId}/visits`, { visitedAt: new Date(Date.now() - 60 * 86_400_000).toISOString(), method: 'home', situation: 'stable' }, command)
  expect(visit.statusCode, visit.body).to.equal(201)
  out.layerKeys.houses = String(out.houseId)
  out.layerKeys.special_groups = String(out.specialGroupId)
  // the other registers' layer rows, where their tables exist
  const credit = () => `91${s.community.slice(0, 6)}MX${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}${Math.floor(Math.random() * 10)}`
  const rows: [string, string, () => Record<string, unknown>][] = [
    ['places', 'place', () => ({ ...base, grid_code: s.grid, name: `矩阵场所${s.tag}`, kind: 'market', geom: at('places') })],
    ['units', 'unit', () => ({ ...base, grid_code: s.grid, name: `矩阵单位${s.tag}`, kind: 'shop', credit_code: credit(), geom: at('units') })],
    ['organisations', 'organisation', () => ({ ...base, grid_code: s.grid, name: `矩阵组织${s.tag}`, kind: 'social_group', geom: at('organisations') })],
    ['teams', 'team', () => ({ ...base, grid_code: s.grid, name: `矩阵队伍${s.tag}`, kind: 'patrol_volunteer', geom: at('teams') })],
    ['party_positions', 'party_position', () => ({ ...base, grid_code: s.grid, name: `矩阵阵地${s.tag}`, kind: 'activity_room', geom: at('party_positions') })],
  ]
  for (const [layer, table, values] of rows) {
    if (!await tableExists(knex, table)) continue
    const [row] = await knex(table).insert(values()).returning('id')
    out.layerKeys[layer] = String(row.id)
  }
  // a camera (issue 19) with a small field of view in front of it; its device ids are never a layer attribute
  if (await tableExists(knex, 'camera')) {
    const [x, y] = [lon + REGISTER_OFFSETS.cameras![0], lat + REGISTER_OFFSETS.cameras![1]]
    const id20 = () => `3401${String(Math.floor(Math.random() * 1e16)).padStart(16, '0')}`
    const [cam] = await knex('camera').insert({ ...base, name: `矩阵摄像头${s.tag}`, owner: '矩阵', gb_device_id: id20(), gb_channel_id: id20(),
      geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [x, y]),
      fov: knex.raw('ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(?, ?), ST_MakePoint(?, ?), ST_MakePoint(?, ?), ST_MakePoint(?, ?)])), 4490)',
        [x, y, x + 0.0004, y + 0.0002, x + 0.0004, y - 0.0002, x, y]) }).returning('id')
    out.layerKeys.cameras = String(cam.id)
  }
  // a sensor (issue 19): a Thing at its location, the sensors layer's row (view sensor_live)
  if (await tableExists(knex, 'sensor_live')) {
    const [thing] = await knex('sta_thing').insert({ name: `矩阵传感器${s.tag}`, kind: 'noise', admin_code: s.community, city_code: CITY }).returning('id')
    const [loc] = await knex('sta_location').insert({ name: `矩阵传感器${s.tag}`, geom: at('sensors'), admin_code: s.community }).returning('id')
    await knex('sta_thing_location').insert({ thing_id: thing.id, location_id: loc.id })
    out.layerKeys.sensors = String(thing.id)
  }
  // a line through its API: the lines register keeps the communities and grids a line crosses on write
  if (await tableExists(knex, 'line')) {
    const y = lat + REGISTER_OFFSETS.lines![1]
    const line = await client.post('/api/v1/lines', { code: `MX-${s.tag}`, name: `矩阵线路${s.tag}`, kind: 'power',
      geometry: `MULTILINESTRING((${lon - 0.003} ${y}, ${lon + 0.003} ${y}))` }, command)
    expect(line.statusCode, line.body).to.equal(201)
    out.layerKeys.lines = String(line.json().id)
  }
  return out
}
