// POST /api/v1/public/reports and following a report: codes by SMS through the outbox to a local
// gateway, the GCJ-02 conversion (checked with gcoord), photos stripped of EXIF (checked with
// exifr, pixels checked), the EXIF-distance flag (checked against PostGIS geography), and
// broken, hostile and oversized input leaving nothing behind.
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import type { Knex } from 'knex'
import * as gcoordModule from 'gcoord'
import exifr from 'exifr'
import sharp from 'sharp'
import { loginAs, type Client } from '../support/http.ts'
import { closeGateway, codeFor, fresh, jpegWithGps, pointInCity, postForm, publicClient, smsGateway, type Part } from './helpers.ts'

// gcoord's typed default is the module object (see server/geo/crs.ts)
const gcoord = (gcoordModule as unknown as { default: { transform(p: [number, number], from: string, to: string): [number, number]; WGS84: string; GCJ02: string } }).default

const form = (f: Record<string, string>, photos: Part[] = []): Part[] => [...Object.entries(f).map(([name, value]) => ({ name, value })), ...photos]

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length
}

describe('public: residents report with photos', function () {
  this.timeout(60_000)
  let client: Client
  let knex: Knex
  let here: { lon: number; lat: number }
  let blobs: string

  before(async () => {
    client = await publicClient()
    knex = client.context.knex
    await smsGateway()
    here = await pointInCity(knex)
    blobs = path.join(client.context.config.dataDir, 'attachments')
  })
  after(closeGateway)

  const eventsOf = (phone: string) => knex('event').where('reporter_phone', phone).count<{ count: string }[]>('* as count').then((r) => Number(r[0]!.count))

  it('files a GCJ-02 report with a photo: the point is converted, the copy carries no EXIF and keeps its pixels', async () => {
    const { phone, ip } = fresh()
    const code = await codeFor(client, phone, ip)
    const [gx, gy] = gcoord.transform([here.lon, here.lat], gcoord.WGS84, gcoord.GCJ02)
    // positive control: GCJ-02 is hundreds of metres off WGS 84 here, so an ignored crs would show
    expect(Math.hypot(gx - here.lon, gy - here.lat)).to.be.above(0.001)
    const photo = await jpegWithGps(here.lon + 0.0005, here.lat) // about 48 m east: no flag
    const res = await postForm(client, '/api/v1/public/reports', form({ description: '小区门口路灯不亮，晚上很黑', lon: String(gx), lat: String(gy), phone, code, name: '张三' },
      [{ name: 'photos', value: photo, filename: 'IMG_0001.jpg', type: 'image/jpeg' }]), ip)
    expect(res.statusCode, res.body).to.equal(201)
    const out = res.json() as { number: string; followToken: string; status: string; statusName: string }
    expect(out.status).to.equal('reported')
    expect(out.statusName).to.equal('待受理')
    const e = await knex('event').where('number', out.number).first(knex.raw('ST_X(geom) AS lon'), knex.raw('ST_Y(geom) AS lat'), 'channel', 'reporter_phone', 'source_position')
    expect(e.channel).to.equal('resident')
    expect(e.reporter_phone).to.equal(phone)
    // the stored point is the WGS 84 / CGCS2000 point the GCJ-02 one came from (within 0.5 m)
    expect(Math.abs(Number(e.lon) - here.lon)).to.be.below(5e-6)
    expect(Math.abs(Number(e.lat) - here.lat)).to.be.below(5e-6)
    expect(e.source_position.crs).to.equal('GCJ-02')

    const view = await client.get(`/api/v1/public/reports/${out.number}`, { 'x-follow-token': out.followToken })
    expect(view.statusCode, view.body).to.equal(200)
    const v = view.json()
    expect(v.place).to.deep.equal({ lon: gx, lat: gy, crs: 'GCJ-02' })
    expect(v.steps.map((s: { name: string }) => s.name)).to.deep.equal(['上报'])
    expect(v.photos).to.have.length(1)
    expect(JSON.stringify(v)).not.to.contain('张三')
    // positive control: the upload itself had a GPS position and a camera make
    expect(await exifr.gps(photo)).to.have.property('latitude')
    const img = await client.get(`${v.photos[0].url}?token=${out.followToken}`)
    expect(img.statusCode).to.equal(200)
    expect(img.headers['content-type']).to.equal('image/jpeg')
    const stored = img.rawPayload
    expect(await exifr.gps(stored)).to.equal(undefined)
    expect(await exifr.parse(stored).catch(() => undefined)).to.equal(undefined)
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height]).to.deep.equal([64, 48])
    const px = (x: number, y: number) => [...data.subarray((y * 64 + x) * info.channels, (y * 64 + x) * info.channels + 3)]
    expect(px(8, 24)[0]).to.be.above(180); expect(px(8, 24)[2]).to.be.below(70)
    expect(px(56, 24)[2]).to.be.above(180); expect(px(56, 24)[0]).to.be.below(70)
    const notes = await knex('event_history as h').join('event as e', 'e.id', 'h.event_id').where('e.number', out.number).pluck('h.action')
    expect(notes).to.include('attachment_added')
    expect(notes).not.to.include('photo_location_mismatch')
    // the photo without the token, or with another report's: 401
    expect((await client.get(v.photos[0].url)).statusCode).to.equal(401)
  })

  it('flags a photo taken far from the reported point, with the distance PostGIS measures', async () => {
    const { phone, ip } = fresh()
    const code = await codeFor(client, phone, ip)
    const far = { lon: here.lon + 0.01, lat: here.lat + 0.004 }
    const res = await postForm(client, '/api/v1/public/reports', form({ description: '这里有大量垃圾堆放', lon: String(here.lon), lat: String(here.lat), crs: 'EPSG:4326', phone, code },
      [{ name: 'photos', value: await jpegWithGps(far.lon, far.lat), filename: 'a.jpg', type: 'image/jpeg' }]), ip)
    expect(res.statusCode, res.body).to.equal(201)
    const { number } = res.json() as { number: string }
    const note = await knex('event_history as h').join('event as e', 'e.id', 'h.event_id').where({ 'e.number': number, 'h.action': 'photo_location_mismatch' })
      .first('h.explanation', 'h.comment', knex.raw('ST_Distance(ST_SetSRID(e.geom, 4326)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) AS reference', [far.lon, far.lat]))
    expect(note, 'a mismatch note').to.not.equal(undefined)
    // the EXIF position is rounded by its DMS form (1/10000 s): within a metre of PostGIS
    expect(Math.abs(note.explanation.metres - Number(note.reference))).to.be.below(1.5)
    expect(note.explanation.metres).to.be.above(300)
    expect(note.comment).to.contain(`${note.explanation.metres} 米`)
    // staff see it in the event's history (events API), with the distance
    const staff = await loginAs(client, 'command')
    const hist = await client.get(`/api/v1/events/${number}/history`, staff)
    expect(hist.statusCode, hist.body).to.equal(200)
    expect(hist.body).to.contain('photo_location_mismatch')
    expect(hist.body).to.contain(`${note.explanation.metres} 米`)
  })

  it('refuses a text file named .jpg, an 11 MB photo and a 51 MB body, naming photos[0]: no event, no file, code still good', async () => {
    const { phone, ip } = fresh()
    const code = await codeFor(client, phone, ip)
    const base = { description: '井盖缺失很危险', lon: String(here.lon), lat: String(here.lat), crs: 'EPSG:4326', phone, code }
    const files = countFiles(blobs)
    const text = await postForm(client, '/api/v1/public/reports', form(base, [{ name: 'photos', value: 'just some text, not a photo', filename: 'x.jpg', type: 'image/jpeg' }]), ip)
    expect(text.statusCode, text.body).to.equal(415)
    expect(text.json().field).to.equal('photos[0]')
    const big = await postForm(client, '/api/v1/public/reports', form(base, [{ name: 'photos', value: Buffer.alloc(11 * 1024 * 1024, 1), filename: 'b.jpg', type: 'image/jpeg' }]), ip)
    expect(big.statusCode, big.body).to.equal(413)
    expect(big.json().field).to.equal('photos[0]')
    const huge = await postForm(client, '/api/v1/public/reports', form(base, [{ name: 'photos', value: Buffer.alloc(51 * 1024 * 1024, 1), filename: 'c.jpg', type: 'image/jpeg' }]), ip)
    expect(huge.statusCode).to.equal(413)
    expect(huge.json().code).to.equal('public.body_too_large')
    expect(await eventsOf(phone)).to.equal(0)
    expect(countFiles(blobs)).to.equal(files)
    // a good photo but a point outside every grid: refused after the photo was stored; the
    // transaction rolls back (no event, code not used) and the stored copy is removed
    const outside = await postForm(client, '/api/v1/public/reports', form({ ...base, lon: String(here.lon + 3) },
      [{ name: 'photos', value: await jpegWithGps(here.lon + 3, here.lat), filename: 'e.jpg', type: 'image/jpeg' }]), ip)
    expect(outside.statusCode, outside.body).to.be.within(400, 499)
    expect(await eventsOf(phone)).to.equal(0)
    expect(countFiles(blobs)).to.equal(files)
    // positive control: the same form with a real photo goes through with the same code
    const ok = await postForm(client, '/api/v1/public/reports', form(base, [{ name: 'photos', value: await jpegWithGps(here.lon, here.lat), filename: 'd.jpg', type: 'image/jpeg' }]), ip)
    expect(ok.statusCode, ok.body).to.equal(201)
    expect(await eventsOf(phone)).to.equal(1)
  })

  it('stores a description with script and SQL as text; refuses NUL, short text, bad coordinates and a wrong code, naming the field', async () => {
    const { phone, ip } = fresh()
    const code = await codeFor(client, phone, ip)
    const base = { lon: String(here.lon), lat: String(here.lat), crs: 'EPSG:4326', phone, code }
    for (const [fields, field] of [
      [{ ...base, description: '有人\u0000乱扔' }, 'description'],
      [{ ...base, description: '短' }, 'description'],
      [{ ...base, description: '路面塌陷了', lon: '12x' }, 'lon'],
      [{ ...base, description: '路面塌陷了', lat: '95' }, 'lat'],
      [{ ...base, description: '路面塌陷了', crs: 'EPSG:3857' }, 'crs'],
      [{ ...base, description: '路面塌陷了', phone: '12345' }, 'phone'],
      [{ ...base, description: '路面塌陷了', code: '000000' === code ? '111111' : '000000' }, 'code'],
      [{ ...base, description: '路面塌陷了', extra: 'x' }, '(root)'],
    ] as [Record<string, string>, string][]) {
      const res = await postForm(client, '/api/v1/public/reports', form(fields), ip)
      expect(res.statusCode, `${field}: ${res.body}`).to.equal(400)
      expect(JSON.stringify(res.json().errors ?? res.json()), field).to.contain(field)
    }
    expect(await eventsOf(phone)).to.equal(0)
    const hostile = `<script>alert(1)</script>'; DROP TABLE event; --`
    const res = await postForm(client, '/api/v1/public/reports', form({ ...base, description: hostile }), ip)
    expect(res.statusCode, res.body).to.equal(201)
    const { number, followToken } = res.json()
    expect((await client.get(`/api/v1/public/reports/${number}`, { 'x-follow-token': followToken })).json().description).to.equal(hostile)
    // not JSON but multipart; a JSON body is refused as such
    expect((await client.post('/api/v1/public/reports', { description: 'x' }, { 'x-forwarded-for': ip })).statusCode).to.equal(415)
    // the code was used up by the report
    const again = await postForm(client, '/api/v1/public/reports', form({ ...base, description: '第二次提交同一验证码' }), ip)
    expect(again.statusCode).to.equal(400)
    expect(again.json().code).to.equal('public.code_invalid')
  })

  it('never writes the code readable into the outbox: the phone masked, code and phone sealed', async () => {
    const { phone, ip } = fresh()
    const code = await codeFor(client, phone, ip)
    const rows = await knex('outbox').where('topic', 'sms').orderBy('id', 'desc').limit(5).select('payload')
    const mine = rows.map((r) => r.payload).find((p) => p.to === `${phone.slice(0, 3)}****${phone.slice(7)}`)
    expect(mine, 'the masked phone names the message').to.not.equal(undefined)
    expect(Object.keys(mine).sort()).to.deep.equal(['schema', 'sealed', 'signName', 'templateCode', 'to'])
    expect(JSON.stringify(mine)).not.to.contain(phone)
    expect(JSON.stringify(mine)).not.to.contain(`"${code}"`)
    expect(mine.sealed).to.match(/^enc1\./)
  })
})
