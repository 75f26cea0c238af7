// The matrix's planted records: two communities of our own, far from the demo city and from the
// other tests' areas, each with records whose text carries a tag unique to the run:
//   IN  990102001197 (street 990102001)  116.300-116.310°E × 36.600-36.610°N
//   OUT 990102003197 (street 990102003)  116.320-116.330°E × 36.600-36.610°N
// Every restricted principal of the matrix holds IN only, so OUT is outside everyone but the
// whole-city roles. Per site: a base grid, a grid member (name and phone), a device with a fix, a
// fence, a patrol template and task, a resource order, a warning, an event (description and
// reporter phone) with a photo, a second, closed event pinned as an exemplary case, and a row of
// every register (plantRegisters.ts: house, resident, special group, place, unit …). Nothing is
// removed afterwards (events' history is append-only): the area is the matrix's alone.
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Client } from '../support/http.ts'
import { invalidateReference } from '../../server/events/reference.ts'
import { plantRegisters } from './plantRegisters.ts'
import type { Site, SiteName } from './site.ts'

export type { RegisterSite, Site, SiteName } from './site.ts'

export type Sites = Record<SiteName, Site>

const CITY = '990100'
const AREAS = {
  in: { community: '990102001197', street: '990102001000', box: [116.30, 36.60, 116.31, 36.61] },
  out: { community: '990102003197', street: '990102003000', box: [116.32, 36.60, 116.33, 36.61] },
} as const
export const COMMUNITIES = [AREAS.in.community, AREAS.out.community]

const rect = (b: readonly number[]) => JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]]] })
const geom = (knex: Knex, b: readonly number[]) => knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [rect(b)])
const phone = () => `13${7 + Math.floor(Math.random() * 2)}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
// a JPEG's first bytes and a marker: enough for the attachment check (it sniffs the type)
const jpeg = (tag: string) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]), Buffer.from(` ${tag}-photo `), Buffer.alloc(64), Buffer.from([0xff, 0xd9])])

export async function plant(client: Client, knex: Knex, command: Record<string, string>): Promise<Sites> {
  const run = Math.random().toString(36).slice(2, 7).toUpperCase()
  const sites = {} as Sites
  for (const name of ['in', 'out'] as const) {
    const a = AREAS[name]
    const tag = `MX${name === 'in' ? 'I' : 'O'}${run}`
    await knex('admin_division').insert({ code: a.community, level: 'community', name: `矩阵${tag}社区`, parent_code: a.street, city_code: CITY, geom: geom(knex, a.box) })
    const grid = `${a.community}001`
    await knex('grid').insert({ code: grid, kind: 'base', name: `矩阵${tag}网格`, community_code: a.community, city_code: CITY, geom: geom(knex, a.box), valid_from: '2026-01-01' })
    sites[name] = { name, community: a.community, street: a.street, grid, box: [...a.box], center: [(a.box[0] + a.box[2]) / 2, (a.box[1] + a.box[3]) / 2], tag } as Site
    await plantReference(knex, sites[name])
  }
  invalidateReference(knex)
  for (const s of Object.values(sites)) await plantSite(client, knex, command, s)
  return sites
}

async function plantSite(client: Client, knex: Knex, command: Record<string, string>, s: Site): Promise<void> {
  const [lon, lat] = s.center
  // a member with a phone, assigned to the grid, carrying a device that reported a fix
  s.memberPhone = phone()
  // of the district's 城管局, so that dispatch options of a nearby event may offer the member
  const dept = await knex('department').where({ code: 'CGJ-990102' }).first('id')
  const [m] = await knex('grid_member').insert({ name: `矩阵员${s.tag}`, phone: s.memberPhone, community_code: s.community, city_code: CITY, department_id: dept.id }).returning('id')
  s.memberId = Number(m.id)
  await knex('grid_assignment').insert({ grid_code: s.grid, member_id: s.memberId, is_primary: true, valid_from: '2026-01-01' })
  s.device = `mx-${s.tag.toLowerCase()}-dev`
  const dev = await client.post('/api/v1/devices', { identifier: s.device, kind: 'phone', name: `矩阵终端${s.tag}`, adminCode: s.community, memberId: s.memberId }, command)
  expect(dev.statusCode, dev.body).to.equal(201)
  s.deviceToken = dev.json().token
  const fix = await client.post('/api/v1/positions', { positions: [{ lon: lon - 0.001, lat, time: new Date(Date.now() - 5_000).toISOString(), accuracy: 5 }] }, { 'x-device-token': s.deviceToken })
  expect(fix.json().accepted, fix.body).to.equal(1)
  // an event with a reporter, and its photo
  s.reporterPhone = phone()
  const ev = await client.post('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `矩阵测试 暴露垃圾 ${s.tag}-EV`,
    location: { x: lon, y: lat }, reporter: { name: `欧阳${s.tag}`, phone: s.reporterPhone },
  }, command)
  expect(ev.statusCode, ev.body).to.equal(201)
  s.eventNumber = ev.json().event.number
  expect(ev.json().event.communityCode ?? s.community, ev.body).to.equal(s.community)
  const up = await client.request({ method: 'POST', url: `/api/v1/events/${s.eventNumber}/attachments?stage=intake`, payload: jpeg(s.tag), headers: { ...command, 'content-type': 'image/jpeg' } })
  expect(up.statusCode, up.body).to.equal(201)
  s.attachmentId = Number(up.json().id)
  // a second event, closed (by SQL: the loop has its own tests) and pinned as an exemplary case
  const ev2 = await client.post('/api/v1/events', {
    channel: 'superior', demandType: '投诉举报', classCode: '0102', description: `矩阵测试 典型案例 ${s.tag}-CASE`, location: { x: lon + 0.002, y: lat + 0.002 },
  }, command)
  expect(ev2.statusCode, ev2.body).to.equal(201)
  s.closedNumber = ev2.json().event.number
  await knex('event').where({ number: s.closedNumber }).update({ status: 'closed', closed_at: knex.fn.now() })
  const pin = await client.post('/api/v1/exemplary-cases', { event: s.closedNumber, title: `矩阵案例${s.tag}`, summary: `处置及时规范 ${s.tag}-PIN`, reason: '处置及时' }, command)
  expect(pin.statusCode, pin.body).to.equal(201)
  s.caseId = Number(pin.json().id)
  // a fence, a patrol template with today's task, a warning
  const [f] = await knex('fence').insert({
    city_code: CITY, admin_code: s.community, name: `矩阵围栏${s.tag}`, kind: 'polygon', source: JSON.stringify({ coordinates: [] }),
    geom: knex.raw('ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)', [rect([lon - 0.002, lat - 0.002, lon + 0.002, lat + 0.002])]),
    rules: JSON.stringify({ enter: true, exit: true, dwellMinutes: null, absentMinutes: null }), member_ids: [s.memberId],
  }).returning('id')
  s.fenceId = Number(f.id)
  const [t] = await knex('patrol_template').insert({
    city_code: CITY, admin_code: s.community, name: `矩阵巡查${s.tag}`, period: 'daily', target_kind: 'grid', grid_codes: [s.grid], min_minutes: 5, member_ids: [s.memberId], active_from: '2026-01-01',
  }).returning('id')
  s.templateId = Number(t.id)
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
  const [task] = await knex('patrol_task').insert({ template_id: s.templateId, member_id: s.memberId, day: today, city_code: CITY, community_code: s.community, required_total: 1 }).returning('id')
  s.taskId = Number(task.id)
  const [w] = await knex('warning').insert({
    city_code: CITY, kind: 'mass', rule_version: 0, level: 2, title: `矩阵预警${s.tag}`, area_code: s.community,
    geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, lat]), dedupe_key: `matrix-${s.tag}`, raised_at: new Date(),
  }).returning('id')
  s.warningId = Number(w.id)
  // an alert of the fence, raised by the device; the event assigned to the device's member
  const device = await knex('device').where({ identifier: s.device }).first('id')
  await knex('fence_alert').insert({ city_code: CITY, fence_id: s.fenceId, device_id: device.id, member_id: s.memberId, community_code: s.community, kind: 'enter', at: new Date(), geom: knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon, lat]) })
  await knex('event').where({ number: s.eventNumber }).update({ assignee_member_id: s.memberId })
  // a resource order sending the device to the event
  const order = await client.post('/api/v1/resource-orders', { deviceId: s.device, target: { type: 'point', coordinates: [lon + 0.001, lat] }, note: `矩阵调派${s.tag}` }, command)
  expect(order.statusCode, order.body).to.equal(201)
  s.orderId = Number(order.json().id)
  s.reg = await plantRegisters(client, knex, command, s)
  s.markers = [s.tag, s.eventNumber, s.closedNumber, s.reporterPhone, s.memberPhone, s.device, s.grid, s.community, s.component, ...Object.values(s.industryGrids),
    s.reg.residentIdNumber, s.reg.residentPhone, s.reg.ownerPhone, s.reg.guardianPhone, ...s.reg.peopleMarkers]
}

/** The reference layers' rows: an industry grid of every type, a component, a doorplate, a road. */
async function plantReference(knex: Knex, s: Site): Promise<void> {
  const [lon, lat] = s.center
  const point = (dx: number, dy: number) => knex.raw('ST_SetSRID(ST_MakePoint(?, ?), 4490)', [lon + dx, lat + dy])
  s.industryGrids = {}
  for (const t of await knex('industry_type').orderBy('code').select('code', 'object_class')) {
    const code = `${t.object_class}${s.community}01`
    await knex('grid').insert({ code, kind: 'industry', industry_type: t.code, name: `矩阵${s.tag}${t.code}`, community_code: s.community, city_code: CITY, geom: geom(knex, s.box), valid_from: '2026-01-01' })
    s.industryGrids[t.code] = code
  }
  const cls = await knex('component_class').orderBy('code').first('code')
  // id: district 6 digits, class 4, serial 6 (a serial of our own: 9197xx)
  s.component = `${s.community.slice(0, 6)}${cls.code}9197${s.name === 'in' ? '01' : '02'}`
  await knex('component').insert({ id: s.component, class_code: cls.code, name: `矩阵部件${s.tag}`, community_code: s.community, city_code: CITY, geom: point(0.0005, 0.0005) })
  const [addr] = await knex('std_address').insert({ level: 50, full_address: `示范市矩阵路${s.tag}号`, community_code: s.community, city_code: CITY, geom: point(-0.0005, 0.0005) }).returning('id')
  s.addressId = Number(addr.id)
  const [road] = await knex('road').insert({ city_code: CITY, name: `矩阵路${s.tag}`, community_code: s.community,
    geom: knex.raw('ST_SetSRID(ST_GeomFromText(?), 4490)', [`MULTILINESTRING((${lon - 0.003} ${lat - 0.0003}, ${lon + 0.003} ${lat - 0.0003}))`]) }).returning('id')
  s.roadId = Number(road.id)
}

/**
 * After the matrix: what would show on other tests' screens and lists is taken away (cases
 * withdrawn, orders cancelled, devices no longer live, warnings, fences, alerts and patrol rows
 * deleted). Events, grids and the two communities stay (an event's history is append-only).
 */
export async function clearUp(client: Client, knex: Knex, command: Record<string, string>, sites: Sites): Promise<void> {
  for (const s of Object.values(sites)) {
    if (s.caseId) await client.request({ method: 'DELETE', url: `/api/v1/exemplary-cases/${s.caseId}?reason=matrix`, headers: command })
    if (s.orderId) await client.post(`/api/v1/resource-orders/${s.orderId}/cancel`, {}, command)
  }
  const devices = knex('device').whereIn('admin_code', COMMUNITIES).select('id')
  const templates = knex('patrol_template').whereIn('admin_code', COMMUNITIES).select('id')
  await knex('device_live').whereIn('device_id', devices).delete()
  await knex('fence_alert').whereIn('community_code', COMMUNITIES).delete()
  await knex('fence').whereIn('admin_code', COMMUNITIES).delete()
  await knex('patrol_task').whereIn('template_id', templates).delete()
  await knex('patrol_template').whereIn('id', templates).delete()
  await knex('warning').whereIn('area_code', COMMUNITIES).delete()
}
