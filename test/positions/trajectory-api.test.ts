// GET /api/v1/members/{id}/trajectory (GeoJSON, GPX 1.1) and /replay over fixtures written
// straight into the tables: a member carrying one device in the morning and another in the
// afternoon while the first changes hands; events and fence alerts of the day. Numbers are
// checked against PostGIS on the same rows; every parameter is broken on purpose.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { XMLParser } from 'fast-xml-parser'
import { getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { shanghaiToday } from '../../server/positions/trajectoryRoutes.ts'
import type { TrackFix } from '../../server/positions/trajectory.ts'
import { bindDevice, insertDevice, insertFixes, memberOfUser, newMember, pointInCommunity, walkDay } from './trajectory-fixtures.ts'

const COMMUNITY = '990102001001'
const DAY_MS = 86_400_000
/** Yesterday in Asia/Shanghai: a whole past day inside the position partitions. */
const D = shanghaiToday(Date.now() - DAY_MS)
const at = (hhmm: string) => new Date(`${D}T${hhmm}:00+08:00`)

interface Fixture { member: { id: number; userId: number }; other: number; deviceA: number; deviceB: number; valid: TrackFix[]; filtered: TrackFix[]; events: Record<string, string> }

async function postEvent(client: Client, auth: Record<string, string>, lon: number, lat: number): Promise<string> {
  const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
    description: `轨迹测试 ${Math.random().toString(36).slice(2)}`, location: { x: lon, y: lat, crs: 'EPSG:4490' } }, auth)
  if (res.statusCode !== 201) throw new Error(`event: ${res.statusCode} ${res.body}`)
  return res.json().event.number
}

async function historyRow(knex: Knex, number: string, action: string, userId: number, when: Date): Promise<void> {
  await knex.raw(`INSERT INTO event_history (event_id, seq, city_code, action, to_status, actor_user_id, actor_role, actor_name, at)
    SELECT e.id, (SELECT max(seq) + 1 FROM event_history h WHERE h.event_id = e.id), e.city_code, ?, e.status, ?, 'grid_inspector', '测试', ?
    FROM event e WHERE e.number = ?`, [action, userId, when, number])
}

async function setUp(knex: Knex, client: Client): Promise<Fixture> {
  const member = await memberOfUser(knex, 'inspector', COMMUNITY)
  const other = await newMember(knex, COMMUNITY)
  const [lon, lat] = await pointInCommunity(knex, COMMUNITY)
  // device A: the member's until 13:00, then the other member's; device B: the member's from 13:00
  const deviceA = await insertDevice(knex, member.id, at('00:00'), at('13:00'))
  await bindDevice(knex, deviceA, other, at('13:00'), null)
  const deviceB = await insertDevice(knex, member.id, at('13:00'))
  const morning = walkDay(31, lon, lat, at('08:00').getTime())
  const afternoon = walkDay(32, lon, lat, at('14:00').getTime(), [{ kind: 'walk', minutes: 20 }, { kind: 'stay', minutes: 8 }, { kind: 'walk', minutes: 10 }])
  const filtered = [morning[40]!, morning[80]!, morning[120]!].map((f, i) => ({ ...f, t: f.t + 7_000, lon: f.lon + 0.02 * (i + 1), filter: 'jump' }))
  await insertFixes(knex, deviceA, member.id, [...morning, ...filtered])
  await insertFixes(knex, deviceB, member.id, afternoon)
  await insertFixes(knex, deviceA, other, walkDay(33, lon, lat, at('13:30').getTime()))
  // just outside the window on both sides
  await insertFixes(knex, deviceA, member.id, [{ ...morning[0]!, t: at('00:00').getTime() - 1000 }, { ...morning[0]!, t: at('00:00').getTime() + DAY_MS }])

  const command = await loginAs(client, 'command')
  const cmdUser = Number((await knex('app_user').where({ username: 'command' }).first('id')).id)
  const [lon2, lat2] = await pointInCommunity(knex, '990102002001')
  const events = {
    touched: await postEvent(client, command, lon, lat), assigned: await postEvent(client, command, lon, lat),
    elsewhere: await postEvent(client, command, lon2, lat2), others: await postEvent(client, command, lon, lat),
  }
  await historyRow(knex, events.touched, 'verify', member.userId, at('09:00'))
  await knex('event').where({ number: events.assigned }).update({ assignee_member_id: member.id })
  await historyRow(knex, events.assigned, 'dispatch', cmdUser, at('09:30'))
  await historyRow(knex, events.elsewhere, 'verify', member.userId, at('10:00'))
  const otherUser = Number((await knex('app_user').where({ username: 'street1' }).first('id')).id)
  await historyRow(knex, events.others, 'verify', otherUser, at('09:45'))

  const ring = [[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001], [lon + 0.001, lat + 0.001], [lon - 0.001, lat + 0.001], [lon - 0.001, lat - 0.001]]
  const { rows } = await knex.raw(`INSERT INTO fence (city_code, admin_code, name, kind, source, geom, rules)
    VALUES ('990100', ?, '轨迹测试围栏', 'polygon', '{}'::jsonb, ST_SetSRID(ST_GeomFromGeoJSON(?), 4490), '{"enter":true,"exit":true}'::jsonb) RETURNING id`,
  [COMMUNITY, JSON.stringify({ type: 'MultiPolygon', coordinates: [[ring]] })])
  const alert = (device: number, m: number, kind: string, when: Date) => knex.raw(`INSERT INTO fence_alert (city_code, fence_id, device_id, member_id, community_code, kind, at, geom)
    VALUES ('990100', ?, ?, ?, ?, ?, ?, ST_SetSRID(ST_MakePoint(?, ?), 4490))`, [rows[0].id, device, m, COMMUNITY, kind, when, lon, lat])
  await alert(deviceA, member.id, 'enter', at('09:10'))
  await alert(deviceA, other, 'exit', at('14:10'))
  await alert(deviceB, member.id, 'dwell', at('14:20'))
  return { member, other, deviceA, deviceB, valid: [...morning, ...afternoon], filtered, events }
}

/** Reference kilometres: PostGIS geography length of the member's valid fixes of the day, in time order. */
async function referenceKm(knex: Knex, memberId: number): Promise<number> {
  const { rows } = await knex.raw(`SELECT ST_Length(ST_MakeLine(geom ORDER BY fixed_at)::geography) / 1000 AS km FROM position
    WHERE member_id = ? AND filter IS NULL AND fixed_at >= ? AND fixed_at < ?`, [memberId, at('00:00'), new Date(at('00:00').getTime() + DAY_MS)])
  return Number(rows[0].km)
}

describe('member trajectory and replay', function () {
  this.timeout(60_000)
  let knex: Knex
  let client: Client
  let fx: Fixture
  const auth: Record<string, Record<string, string>> = {}
  const url = (kind: string, query: string, id = fx.member.id) => `/api/v1/members/${id}/${kind}?${query}`

  before(async () => {
    knex = await getTestDb()
    client = await testClient()
    fx = await setUp(knex, client)
    for (const u of ['command', 'street1', 'street2', 'community', 'inspector']) auth[u] = await loginAs(client, u)
  })

  it('answers GeoJSON: a LineString with per-vertex times per continuous piece, stops, stats, kilometres as PostGIS measures them', async () => {
    const res = await client.get(url('trajectory', `from=${D}&to=${D}T23:59:59%2B08:00`), auth.street1)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-type']).to.match(/^application\/geo\+json/)
    const fc = res.json()
    expect(fc.type).to.equal('FeatureCollection')
    expect(fc.fixes).to.equal(fx.valid.length)
    expect(fc.devices.map((d: { id: number }) => d.id)).to.include.members([fx.deviceA, fx.deviceB])
    expect(fc.kilometres).to.be.closeTo(await referenceKm(knex, fx.member.id), 0.0006)
    const tracks = fc.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'track')
    // the morning's 20-minute silence and the 10:30-14:00 gap: three pieces
    expect(tracks).to.have.length(3)
    expect(fc.gaps).to.have.length(2)
    const times: string[] = tracks.flatMap((f: { properties: { times: string[] } }) => f.properties.times)
    expect(times).to.deep.equal(fx.valid.map((f) => new Date(f.t).toISOString()))
    for (const t of tracks) {
      expect(t.geometry.type).to.equal('LineString')
      expect(t.properties.times).to.have.length(t.geometry.coordinates.length)
      expect(t.properties.fixes).to.equal(t.geometry.coordinates.length)
      expect(t.properties.metres).to.be.above(0)
    }
    const stops = fc.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'stop')
    expect(stops.length).to.be.at.least(3)
    for (const s of stops) {
      const { rows } = await knex.raw(`SELECT code FROM grid WHERE kind = 'base' AND valid_to IS NULL
        AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(?, ?), 4490)) ORDER BY code LIMIT 1`, s.geometry.coordinates)
      expect(s.properties.gridCode).to.equal(rows[0]?.code ?? null)
      expect(s.properties.seconds).to.be.at.least(180)
    }
    expect(fc.features.some((f: { properties: { kind: string } }) => f.properties.kind === 'filtered')).to.equal(false)
  })

  it('includes filtered fixes as points only when asked, never in the line', async () => {
    const res = await client.get(url('trajectory', `from=${D}&includeFiltered=true`), auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const fc = res.json()
    const filtered = fc.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'filtered')
    expect(filtered.map((f: { properties: { time: string; filter: string } }) => [f.properties.time, f.properties.filter]))
      .to.deep.equal(fx.filtered.map((f) => [new Date(f.t).toISOString(), 'jump']))
    expect(fc.fixes).to.equal(fx.valid.length)
    expect(fc.filteredFixes).to.equal(3)
  })

  it('simplifies in metres keeping each kept vertex\'s own time and every piece\'s ends', async () => {
    const full = (await client.get(url('trajectory', `from=${D}`), auth.command)).json()
    const res = await client.get(url('trajectory', `from=${D}&simplify=10`), auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const byTime = new Map(fx.valid.map((f) => [new Date(f.t).toISOString(), f]))
    const tracks = res.json().features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'track')
    const fullTracks = full.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'track')
    let vertices = 0
    tracks.forEach((t: { geometry: { coordinates: number[][] }; properties: { times: string[]; start: string; end: string } }, i: number) => {
      vertices += t.geometry.coordinates.length
      expect(t.properties.times[0]).to.equal(fullTracks[i].properties.times[0])
      expect(t.properties.times.at(-1)).to.equal(fullTracks[i].properties.times.at(-1))
      t.properties.times.forEach((time, k) => {
        const f = byTime.get(time)!
        expect(t.geometry.coordinates[k]![0]).to.be.closeTo(f.lon, 1e-7)
        expect(t.geometry.coordinates[k]![1]).to.be.closeTo(f.lat, 1e-7)
      })
    })
    expect(vertices).to.be.below(fx.valid.length / 3)
  })

  it('answers GPX 1.1 in the schema\'s element order, read back by GDAL', async () => {
    const res = await client.get(url('trajectory', `from=${D}&format=gpx&includeFiltered=true`), auth.community)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.headers['content-type']).to.match(/^application\/gpx\+xml/)
    const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '' }).parse(res.body) as Record<string, unknown>[]
    const root = ordered.find((n) => 'gpx' in n) as { gpx: Record<string, unknown>[]; ':@': Record<string, string> }
    expect(root[':@']).to.include({ version: '1.1', creator: 'gridgov', xmlns: 'http://www.topografix.com/GPX/1/1' })
    const names = root.gpx.map((n) => Object.keys(n).find((k) => k !== ':@'))
    // GPX 1.1: metadata?, wpt*, rte*, trk*, extensions?
    expect(names.join(' ')).to.match(/^metadata( wpt)* trk$/)
    const wpts = root.gpx.filter((n) => 'wpt' in n) as { wpt: Record<string, unknown>[] }[]
    for (const w of wpts) expect(w.wpt.map((n) => Object.keys(n)[0]).join(' ')).to.match(/^(ele )?time name desc type$/)
    const plain = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['trkseg', 'trkpt', 'wpt'].includes(n) }).parse(res.body)
    const segs = plain.gpx.trk.trkseg as { trkpt: { lat: string; lon: string; ele?: number; time: string }[] }[]
    expect(segs).to.have.length(3)
    const pts = segs.flatMap((s) => s.trkpt)
    expect(pts).to.have.length(fx.valid.length)
    pts.forEach((p, i) => {
      expect(Number(p.lat)).to.be.closeTo(fx.valid[i]!.lat, 1e-7)
      expect(Number(p.lon)).to.be.closeTo(fx.valid[i]!.lon, 1e-7)
      expect(p.time).to.equal(new Date(fx.valid[i]!.t).toISOString())
    })
    expect(plain.gpx.wpt.filter((w: { type: string }) => w.type === 'filtered')).to.have.length(3)
    let ogrinfo = ''
    try { execFileSync('ogrinfo', ['--version']); ogrinfo = 'ogrinfo' } catch { /* GDAL missing: the structural checks above stand alone */ }
    if (ogrinfo) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gpx-')), 'track.gpx')
      fs.writeFileSync(file, res.body)
      const out = execFileSync(ogrinfo, ['-ro', '-so', file, 'track_points', 'waypoints'], { encoding: 'utf8' })
      expect(out).to.match(new RegExp(`Layer name: track_points[\\s\\S]*Feature Count: ${fx.valid.length}\\b`))
      expect(out).to.match(/Layer name: waypoints[\s\S]*Feature Count: \d+/)
      fs.rmSync(path.dirname(file), { recursive: true, force: true })
    }
  })

  it('replays one member-day: track, stops, kilometres, speeds, gaps, events touched, fence alerts, one timeline', async () => {
    const res = await client.get(url('replay', `date=${D}`), auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    const r = res.json()
    expect(r.date).to.equal(D)
    expect(r.fixes).to.equal(fx.valid.length)
    expect(r.kilometres).to.be.closeTo(await referenceKm(knex, fx.member.id), 0.0006)
    expect(r.simplifyMetres).to.equal(5)
    expect(r.vertices).to.be.below(fx.valid.length)
    expect(r.track).to.have.length(3)
    expect(r.gaps).to.have.length(2)
    expect(r.stops.length).to.be.at.least(3)
    expect(r.speeds.meanMovingMetresPerSecond).to.be.within(0.9, 1.7)
    const evs = r.events.map((e: { number: string; action: string; byMember: boolean; assigned: boolean }) => [e.number, e.action, e.byMember, e.assigned])
    expect(evs).to.deep.equal([[fx.events.touched, 'verify', true, false], [fx.events.assigned, 'dispatch', false, true], [fx.events.elsewhere, 'verify', true, false]])
    expect(r.fenceAlerts.map((a: { kind: string; deviceId: number }) => [a.kind, a.deviceId])).to.deep.equal([['enter', fx.deviceA], ['dwell', fx.deviceB]])
    expect(r.timeline).to.have.length(r.stops.length + r.gaps.length + r.events.length + r.fenceAlerts.length)
    const ats = r.timeline.map((x: { at: string }) => x.at)
    expect(ats).to.deep.equal([...ats].sort())
  })

  it('shows in a replay only the events inside the caller\'s jurisdiction', async () => {
    const res = await client.get(url('replay', `date=${D}&simplify=0`), auth.community)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().events.map((e: { number: string }) => e.number)).to.deep.equal([fx.events.touched, fx.events.assigned])
    expect(res.json().vertices).to.equal(fx.valid.length)
  })

  it('lets a grid inspector see only themselves; other jurisdictions and unknown members are 404', async () => {
    expect((await client.get(url('replay', `date=${D}`), auth.inspector)).statusCode).to.equal(200)
    expect((await client.get(url('trajectory', `from=${D}`, fx.other), auth.inspector)).statusCode).to.equal(404)
    expect((await client.get(url('trajectory', `from=${D}`, fx.other), auth.community)).statusCode).to.equal(200)
    for (const kind of ['trajectory', 'replay']) {
      const res = await client.get(url(kind, '', fx.member.id), auth.street2)
      expect(res.statusCode).to.equal(404)
      expect(res.headers['content-type']).to.match(/problem\+json/)
      expect((await client.get(url(kind, '', 999_999_999), auth.command)).statusCode).to.equal(404)
      expect((await client.get(`/api/v1/members/${fx.member.id}/${kind}`)).statusCode).to.equal(401)
    }
  })

  it('defaults to today (Asia/Shanghai) and answers an empty track as such', async () => {
    const res = await client.get(url('trajectory', ''), auth.command)
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json().from).to.equal(new Date(`${shanghaiToday()}T00:00:00+08:00`).toISOString())
    const empty = await client.get(url('trajectory', `from=2025-06-01&format=gpx`, fx.other), auth.command)
    expect(empty.statusCode).to.equal(200)
    expect(empty.body).to.contain('<trk>').and.not.contain('<trkseg>')
    const replay = (await client.get(url('replay', 'date=2025-06-01', fx.other), auth.command)).json()
    expect([replay.fixes, replay.kilometres, replay.track.length, replay.stops.length]).to.deep.equal([0, 0, 0, 0])
  })

  const hostile: [string, string, string][] = [
    ['trajectory', `from=${D}T10:00:00%2B08:00&to=${D}T09:00:00%2B08:00`, 'to'],
    ['trajectory', `from=${D}&to=${D}`, 'to'],
    ['trajectory', 'from=2026-01-01&to=2026-01-09', 'to'],
    ['trajectory', 'from=2026-02-30', 'from'],
    ['trajectory', 'from=2026-13-01', 'from'],
    ['trajectory', 'from=yesterday', 'from'],
    ['trajectory', 'from=2026-11-01T10:00:00', 'from'],
    ['trajectory', 'to=1969-12-31', 'to'],
    ['trajectory', `from=${'9'.repeat(5000)}`, 'from'],
    ['trajectory', 'format=kml', 'format'],
    ['trajectory', 'simplify=1e9', 'simplify'],
    ['trajectory', 'simplify=100000', 'simplify'],
    ['trajectory', 'simplify=-5', 'simplify'],
    ['trajectory', 'simplify=NaN', 'simplify'],
    ['trajectory', 'includeFiltered=yes', 'includeFiltered'],
    ['trajectory', 'from=2026-11-01&from=2026-11-02', 'from'],
    ['trajectory', 'bbox=1,2,3,4', '(root)'],
    ['replay', 'date=2026-02-30', 'date'],
    ['replay', `date=${D}T00:00:00Z`, 'date'],
    ['replay', 'simplify=501', 'simplify'],
    ['replay', 'from=2026-11-01', '(root)'],
  ]
  for (const [kind, query, field] of hostile) {
    it(`refuses ${kind}?${query.slice(0, 60)} with a 400 naming ${field}`, async () => {
      const res = await client.get(url(kind, query), auth.command)
      expect(res.statusCode, res.body).to.equal(400)
      expect(res.headers['content-type']).to.match(/problem\+json/)
      const fields = (res.json().errors ?? []).map((e: { field: string }) => e.field)
      if (field === '(root)') expect(res.json().detail).to.match(/unrecognized|unknown/i)
      else expect(fields).to.include(field)
    })
  }

  it('refuses a member id that is not one with a 400 naming id', async () => {
    for (const id of ['abc', '0', '-1', '1.5', '9'.repeat(30)]) {
      const res = await client.get(`/api/v1/members/${id}/trajectory`, auth.command)
      expect(res.statusCode, id).to.equal(400)
      expect(res.json().errors.map((e: { field: string }) => e.field)).to.deep.equal(['id'])
    }
  })
})
