// POST /api/v1/event-imports and runEventImport: CSV and GeoJSON files of historic events,
// dry runs, all-or-nothing with every bad record listed, dedup on re-import, numbers that
// never collide with live intake, month partitions, the grid version of the report's time,
// and hostile input (size, content type, CRS, roles, jurisdiction).
import { expect } from 'chai'
import type { Knex } from 'knex'
import { testClient, loginAs, type Client } from '../support/http.ts'
import { pointIn } from '../events/helpers.ts'
import { disableTestPlatforms, makePlatform } from '../integrations/helpers.ts'
import { runEventImport } from '../../server/event-imports/job.ts'
import { EVENT_IMPORT_MAX_BYTES } from '../../server/event-imports/routes.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { fromStorage, parseCrs } from '../../server/geo/crs.ts'
import type { Principal } from '../../server/auth/users.ts'

type Pt = { lon: number; lat: number; grid: string }
const BOM = '\uFEFF'
/** Thrown to roll back a test's transaction. */
const ROLLBACK = new Error('rollback')
const HEADER = '案卷号,渠道,诉求类型,小类代码,问题描述,经度,纬度,上报时间,状态,结案时间,满意度,地址'

const console = (scope: string[]): Principal => ({
  kind: 'user', userId: null, username: 'console', displayName: '测试导入', role: 'command_center',
  departmentId: null, cityCode: null, jurisdiction: Jurisdiction.of(scope),
})

describe('event imports: files of historic events', function () {
  let client: Client
  let knex: Knex
  let command: Record<string, string>
  let p1: Pt, p2: Pt, p3: Pt
  let tag = 0
  /** A ref unique to this run, so reruns against a kept database never dedup against old rows. */
  const ref = (s: string) => `T${process.pid}-${++tag}-${s}`

  const csvRow = (r: string, p: Pt, over: Partial<Record<'channel' | 'cls' | 'desc' | 'at' | 'status' | 'closed' | 'sat', string>> = {}) =>
    [r, over.channel ?? '12345热线', '投诉举报', over.cls ?? '0102', over.desc ?? '"路口, 暴露垃圾"', p.lon, p.lat,
      over.at ?? '2024-07-15 09:30:00', over.status ?? 'closed', over.closed ?? '2024-07-15 15:00:00', over.sat ?? '', '示范路1号'].join(',')
  const post = (body: string | Buffer, type = 'text/csv', query = '', auth = command) =>
    client.request({ method: 'POST', url: `/api/v1/event-imports${query}`, headers: { 'content-type': type, ...auth }, payload: body })
  const eventsOfImport = async (importId: number) => knex.raw(`SELECT e.*, e.tableoid::regclass::text AS part, k.line FROM event_import_key k
    JOIN event e ON e.id = k.event_id AND e.created_at = k.event_created_at WHERE k.import_id = ? ORDER BY k.line`, [importId]).then((r) => r.rows)
  const counts = async () => {
    const { rows: [r] } = await knex.raw('SELECT (SELECT count(*) FROM event)::int AS events, (SELECT count(*) FROM event_import)::int AS imports')
    return r as { events: number; imports: number }
  }

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    command = await loginAs(client, 'command')
    // a platform subscribed to everything in the city: it must still receive no imported event
    await makePlatform(knex, 'http://127.0.0.1:9/never')
    ;[p1, p2, p3] = [await pointIn(knex, '990102001001'), await pointIn(knex, '990102002001'), await pointIn(knex, '990102003001', 1)]
  })

  after(async () => {
    await disableTestPlatforms(knex)
    // imported rows would show in other areas' counts; history rows are append-only and stay
    const ids = (await knex('event_import').where('actor_name', 'in', ['测试导入', '指挥中心']).pluck('id')) as number[]
    await knex.raw('DELETE FROM event e USING event_import_key k WHERE k.event_id = e.id AND k.event_created_at = e.created_at AND k.import_id = ANY(?)', [ids])
    await knex('event_import_key').whereIn('import_id', ids).delete()
    await knex('event_import').whereIn('id', ids).delete()
  })

  it('imports a UTF-8 CSV with BOM, quoted commas, line breaks and Chinese, all located, numbered and recorded', async () => {
    const refs = [ref('a'), ref('b'), ref('c')]
    const csv = BOM + [HEADER,
      csvRow(refs[0]!, p1),
      csvRow(refs[1]!, p2, { desc: '"第一行\n第二行, 含逗号"', cls: '暴露垃圾', status: '已评价', sat: '满意' }),
      csvRow(refs[2]!, p3, { channel: 'inspector_app', at: '2024-07-16T01:00:00Z', status: 'rejected', closed: '' }),
    ].join('\r\n')
    const res = await post(csv, 'text/csv; charset=utf-8', '?fileName=2024年7月.csv')
    expect(res.statusCode, res.body).to.equal(200)
    const report = res.json()
    expect(report).to.include({ valid: true, written: 3, skipped: 0, records: 3, format: 'csv', fileName: '2024年7月.csv', outsideCity: 0 })
    expect(report.problems).to.deep.equal([])
    const rows = await eventsOfImport(report.importId)
    expect(rows.map((r: { line: number }) => r.line)).to.deep.equal([2, 3, 5])
    const [a, b, c] = rows
    expect(a).to.include({ external_ref: refs[0], status: 'closed', grid_code: p1.grid, community_code: '990102001001',
      street_code: '990102001000', district_code: '990102000000', channel: 'hotline_12345', description: '路口, 暴露垃圾', part: 'event_202407' })
    expect(a.number).to.match(/^E20240715\d{4}$/)
    expect(a.created_at.toISOString()).to.equal('2024-07-15T01:30:00.000Z')
    expect(a.closed_at.toISOString()).to.equal('2024-07-15T07:00:00.000Z')
    expect(BigInt(a.h3_r12).toString(16)).to.have.length(15)
    expect(b).to.include({ status: 'evaluated', satisfaction: 'satisfied', description: '第一行\n第二行, 含逗号', class_code: '0102' })
    expect(c).to.include({ status: 'rejected', channel: 'inspector_app', closed_at: null })
    const hist = await knex('event_history').where({ event_id: a.id })
    expect(hist).to.have.length(1)
    // historic imports are never pushed to third-party platforms (see the platform made below)
    expect(await knex('outbox').whereIn('event_id', rows.map((r: { id: number }) => r.id)).count('* AS n').first()).to.deep.equal({ n: 0 })
    expect(hist[0]).to.include({ seq: 1, action: 'import', to_status: 'closed', actor_role: 'command_center' })
    expect(hist[0].explanation).to.include({ file: '2024年7月.csv', line: 2, import: report.importId, ref: refs[0], gridBasis: 'current' })
  })

  it('imports a GBK CSV without BOM (GBK detected), and with charset=gbk', async () => {
    const { execFileSync } = await import('node:child_process')
    const csv = [HEADER, csvRow(ref('gbk'), p1, { desc: '占道经营' })].join('\n')
    const bytes = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("gbk"))'], { input: csv })
    const dry = (await post(bytes, 'text/csv', '?dryRun=true')).json()
    expect(dry).to.include({ valid: true, encoding: 'gb18030', written: 0 })
    const res = await post(bytes, 'text/csv; charset=gbk')
    expect(res.statusCode, res.body).to.equal(200)
    const [row] = await eventsOfImport(res.json().importId)
    expect(row.description).to.equal('占道经营')
  })

  it('imports a GeoJSON FeatureCollection of Points (CRS84 by default, or a Gauss-Krüger crs)', async () => {
    const gk = fromStorage(p2.lon, p2.lat, { ...parseCrs('EPSG:4527'), latFirst: false })
    const feature = (props: Record<string, unknown>, coordinates: number[]) => ({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates } })
    const base = { channel: 'resident', class_code: '0505', description: '机动车占用人行道', reported_at: '2025-01-10 08:00', closed_at: '2025-01-10 12:00' }
    const fc = { type: 'FeatureCollection', features: [feature({ ...base, ref: ref('g1') }, [p1.lon, p1.lat]), feature({ ...base, ref: ref('g2') }, [p3.lon, p3.lat])] }
    const res = await post(JSON.stringify(fc), 'application/geo+json')
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ written: 2, format: 'geojson', crs: 'CRS:84' })
    const fcGk = { type: 'FeatureCollection', features: [feature({ ...base, ref: ref('g3') }, gk)] }
    const resGk = await post(JSON.stringify(fcGk), 'application/json', '?crs=EPSG:4527')
    expect(resGk.statusCode, resGk.body).to.equal(200)
    const [row] = await eventsOfImport(resGk.json().importId)
    expect(row.grid_code).to.equal(p2.grid)
    expect(row.source_position).to.include({ crs: 'EPSG:4527' })
  })

  it('a dry run validates and locates but writes nothing, not even partitions', async () => {
    const before = await counts()
    const csv = [HEADER, csvRow(ref('d'), p1, { at: '2019-05-05 10:00', closed: '2019-05-06 10:00' })].join('\n')
    const res = await post(csv, 'text/csv', '?dryRun=true')
    expect(res.statusCode, res.body).to.equal(200)
    expect(res.json()).to.include({ dryRun: true, valid: true, written: 0, importId: null, partitionsCreated: 0 })
    expect(res.json().gridBasis).to.deep.equal({ atReport: 0, current: 1 })
    expect(await counts()).to.deep.equal(before)
    expect((await knex.raw("SELECT to_regclass('event_201905') AS t")).rows[0].t).to.equal(null)
  })

  it('a file with bad records imports nothing and lists every one: line, field, reason', async () => {
    const before = await counts()
    const csv = [HEADER,
      csvRow(ref('ok'), p1),
      csvRow(ref('cls'), p1, { cls: '0999' }),
      csvRow(ref('date'), p1, { at: '2025-02-30 10:00' }),
      csvRow(ref('future'), p1, { at: '2099-01-01 10:00', closed: '2099-01-02 10:00' }),
      csvRow(ref('order'), p1, { at: '2024-07-15 09:30', closed: '2024-07-14 09:30' }),
      csvRow(ref('out'), { lon: 117.5, lat: 36.45, grid: '' }),
      'too,few,fields',
      csvRow(ref('chan'), p1, { channel: 'carrier_pigeon', status: 'handling' }),
    ].join('\n')
    const res = await post(csv, 'text/csv')
    expect(res.statusCode, res.body).to.equal(422)
    const { report } = res.json()
    const got = report.problems.map((p: { line: number; field: string }) => `${p.line}:${p.field}`)
    expect(got).to.deep.equal(['3:class_code', '4:reported_at', '5:closed_at', '5:reported_at', '6:closed_at', '7:location', '8:(row)', '9:channel', '9:status'])
    expect(report.problems[0].reason).to.match(/unknown event class/)
    expect(report.problems[0].value).to.equal('0999')
    expect(report.problems.find((p: { line: number }) => p.line === 5).reason).to.match(/future/)
    const outside = report.problems.find((p: { line: number }) => p.line === 7)
    expect(outside.reason).to.match(/outside every grid/)
    expect(outside.nearestGrid).to.match(/^990102/)
    expect(outside.distanceMetres).to.be.greaterThan(10_000)
    expect(report.outsideCity).to.equal(1)
    expect(await counts()).to.deep.equal(before)
    // the dry run answers 200 with the same list
    const dry = await post(csv, 'text/csv', '?dryRun=true')
    expect(dry.statusCode).to.equal(200)
    expect(dry.json().problems.map((p: { line: number; field: string }) => `${p.line}:${p.field}`)).to.deep.equal(got)
  })

  it('re-importing the same file is a no-op; a file with a repeated ref is refused', async () => {
    const csv = [HEADER, csvRow(ref('r1'), p1), csvRow(ref('r2'), p2)].join('\n')
    // and rows without a ref dedup by content
    const noRef = [HEADER, csvRow('', p3, { desc: '无编号记录' })].join('\n')
    expect((await post(csv, 'text/csv')).json()).to.include({ written: 2, skipped: 0 })
    expect((await post(noRef, 'text/csv')).json()).to.include({ written: 1, skipped: 0 })
    const before = await counts()
    const again = await post(csv, 'text/csv')
    expect(again.statusCode, again.body).to.equal(200)
    expect(again.json()).to.include({ written: 0, skipped: 2, valid: true })
    expect((await post(noRef, 'text/csv')).json()).to.include({ written: 0, skipped: 1 })
    expect((await counts()).events).to.equal(before.events)
    const r = ref('dup')
    const dup = await post([HEADER, csvRow(r, p1), csvRow(r, p2)].join('\n'), 'text/csv')
    expect(dup.statusCode).to.equal(422)
    expect(dup.json().report.problems).to.deep.equal([{ line: 3, field: 'ref', reason: 'duplicates line 2 of this file' }])
  })

  it('takes numbers from the live counter: imported and live events of one day never collide', async () => {
    const day = '2024-03-12'
    await knex.raw(`INSERT INTO event_number_counter (city_code, day, last) VALUES ('990100', ?, 41)
      ON CONFLICT (city_code, day) DO UPDATE SET last = 41`, [day])
    const csv = [HEADER, csvRow(ref('n2'), p1, { at: `${day} 18:00`, closed: `${day} 19:00` }),
      csvRow(ref('n1'), p2, { at: `${day} 08:00`, closed: `${day} 19:00` })].join('\n')
    const res = await post(csv, 'text/csv')
    const rows = await eventsOfImport(res.json().importId)
    // handed out in time order within the day, after the 41 numbers already taken
    expect(rows.map((r: { number: string }) => r.number)).to.deep.equal(['E202403120043', 'E202403120042'])
    const { rows: [c] } = await knex.raw("SELECT last FROM event_number_counter WHERE city_code = '990100' AND day = ?", [day])
    expect(c.last).to.equal(43)
  })

  it('gives old months real partitions, moving rows that were parked in the default partition', async () => {
    await knex.transaction(async (trx) => {
      await trx.raw(`INSERT INTO event (number, city_code, channel, demand_type, class_code, description, geom, source_position,
        community_code, street_code, district_code, h3_r12, status, created_at)
        VALUES ('E201803010001', '990100', 'resident', '咨询', '9901', '旧数据', ST_SetSRID(ST_MakePoint(?, ?), 4490), '{}',
        '990102001001', '990102001000', '990102000000', 1, 'closed', '2018-03-01T10:00:00+08:00')`, [p1.lon, p1.lat])
      expect((await trx.raw("SELECT tableoid::regclass::text AS t FROM event WHERE number = 'E201803010001'")).rows[0].t).to.equal('event_default')
      const csv = [HEADER, csvRow(ref('old'), p1, { at: '2018-03-20 10:00', closed: '2018-03-21 10:00' })].join('\n')
      const report = await runEventImport(trx, console(['990100000000']), { format: 'csv', data: Buffer.from(csv), fileName: 'old.csv' }, { dryRun: false })
      expect(report.partitionsCreated).to.equal(1)
      const parts = (await trx.raw(`SELECT tableoid::regclass::text AS t FROM event WHERE created_at >= '2018-03-01' AND created_at < '2018-04-01'`)).rows
      expect(parts.map((r: { t: string }) => r.t)).to.deep.equal(['event_201803', 'event_201803'])
      throw ROLLBACK
    }).catch((err) => { if (err !== ROLLBACK) throw err })
  })

  it('locates by the grid version valid when the event was reported, else by today\'s grids', async () => {
    await knex.transaction(async (trx) => {
      // grid p1 had another boundary until 2024-01-01: version 1 covered p2's spot too
      await trx.raw(`UPDATE grid SET valid_from = '2015-01-01' WHERE kind = 'base' AND valid_to IS NULL`)
      await trx.raw(`UPDATE grid SET version = 2, valid_from = '2024-01-01' WHERE code = ? AND valid_to IS NULL`, [p1.grid])
      await trx.raw(`INSERT INTO grid (code, version, kind, name, community_code, city_code, geom, valid_from, valid_to)
        SELECT code, 1, kind, name, community_code, city_code,
          ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(?, ?), 4490), 0.0005)), '2015-01-01', '2024-01-01' FROM grid WHERE code = ? AND version = 2`,
      [p2.lon, p2.lat, p1.grid])
      const csv = [HEADER, csvRow(ref('v1'), p2, { at: '2023-06-01 10:00', closed: '2023-06-01 12:00' }),
        csvRow(ref('v2'), p2, { at: '2024-06-01 10:00', closed: '2024-06-01 12:00' })].join('\n')
      const report = await runEventImport(trx, console(['990100000000']), { format: 'csv', data: Buffer.from(csv), fileName: 'v.csv' }, { dryRun: false })
      expect(report.gridBasis).to.deep.equal({ atReport: 2, current: 0 })
      const rows = (await trx.raw('SELECT grid_code, grid_version FROM event_import_key k JOIN event e ON e.id = k.event_id WHERE k.import_id = ? ORDER BY k.line', [report.importId])).rows
      expect(rows).to.deep.equal([{ grid_code: p1.grid, grid_version: 1 }, { grid_code: p2.grid, grid_version: 1 }])
      throw ROLLBACK
    }).catch((err) => { if (err !== ROLLBACK) throw err })
  })

  it('lists records outside the importer\'s jurisdiction', async () => {
    const csv = [HEADER, csvRow(ref('j1'), p1), csvRow(ref('j2'), p2)].join('\n')
    const report = await runEventImport(knex, console(['990102001000']), { format: 'csv', data: Buffer.from(csv), fileName: 'j.csv' }, { dryRun: true })
    expect(report.valid).to.equal(false)
    expect(report.problems).to.deep.equal([{ line: 3, field: 'location', reason: 'lies in community 990102002001, outside your jurisdiction' }])
  })

  describe('hostile input', () => {
    it('413 beyond the size limit, 415 for other content types, 400 for empty or malformed bodies', async () => {
      const big = Buffer.alloc(EVENT_IMPORT_MAX_BYTES + 1, 0x41)
      expect((await post(big, 'text/csv')).statusCode).to.equal(413)
      const bad = await post('a,b\n1,2', 'application/zip')
      expect(bad.statusCode).to.equal(415)
      expect(bad.json().type).to.match(/unsupported_media_type/)
      expect((await post('a,b\n1,2', 'text/plain')).statusCode).to.equal(415)
      expect((await post('', 'text/csv')).statusCode).to.equal(400)
      expect((await post('{"type":"Feature"', 'application/geo+json')).statusCode).to.equal(400)
      expect((await post('a,"b\n1,2', 'text/csv')).json().detail).to.match(/unterminated/)
      expect((await post(HEADER + '\n', 'text/csv')).json().type).to.match(/empty_import/)
    })

    it('400 for an unknown CRS or bad query, 401 anonymous, 403 for roles that may not import', async () => {
      const csv = [HEADER, csvRow(ref('h'), p1)].join('\n')
      expect((await post(csv, 'text/csv', '?crs=EPSG:9999')).statusCode).to.equal(400)
      expect((await post(csv, 'text/csv', '?force=yes')).statusCode).to.equal(400)
      expect((await post(csv, 'text/csv', '?fileName=../../etc/passwd')).statusCode).to.equal(400)
      expect((await post(csv, 'text/csv', '', {})).statusCode).to.equal(401)
      expect((await post(csv, 'text/csv', '', await loginAs(client, 'street1'))).statusCode).to.equal(403)
      expect((await post(csv, 'text/csv', '', await loginAs(client, 'inspector'))).statusCode).to.equal(403)
    })

    it('lists swapped coordinates and out-of-range positions per row', async () => {
      const csv = [HEADER, csvRow(ref('s'), { lon: p1.lat, lat: p1.lon, grid: '' }), csvRow(ref('r'), { lon: 500, lat: 36, grid: '' })].join('\n')
      const r = (await post(csv, 'text/csv', '?dryRun=true')).json()
      expect(r.problems.map((p: { line: number; field: string; reason: string }) => `${p.line}:${p.field}`)).to.deep.equal(['2:lon', '3:lon'])
      expect(r.problems[0].reason).to.match(/swapped/)
    })
  })
})
