// Video patrol rounds (/api/v1/cameras/patrols) and the live stream through our origin
// (/api/v1/cameras/{id}/live/{ticket}/{file}): who may make, see and check a round, the order
// of the checks, a finding becoming an event of the video_patrol channel with its snapshot
// attached (the stored bytes hashed here), and the HLS proxy rewriting a stand-in's playlist.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHash, randomInt } from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import sharp from 'sharp'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { expectRefusal } from '../support/problem.ts'

const C1 = '990102001001' // street1's, the community user's
const C2 = '990102002001' // street2's
type Pos = [number, number]
const gb = () => `3402${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e7)).padStart(7, '0')}`

describe('video patrol and live stream', () => {
  let client: Client
  let knex: Knex
  const auth: Record<string, Record<string, string>> = {}
  const ids: Record<string, number> = {}
  const cams: number[] = [] // three in C1
  let far: number // one in C2
  let withStream: number
  const patrols: number[] = []
  const events: string[] = []
  let jpeg: Buffer
  let standIn: http.Server
  let base: string
  let segmentBytes: Buffer

  const pointIn = async (community: string): Promise<Pos> => {
    const { rows } = await knex.raw(`SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM grid
      WHERE kind = 'base' AND valid_to IS NULL AND community_code = ? ORDER BY code LIMIT 1) s`, [community]) as { rows: { lon: number; lat: number }[] }
    return [rows[0]!.lon, rows[0]!.lat]
  }
  const camera = async (at: Pos, extra: Record<string, unknown> = {}) => {
    const res = await client.post('/api/v1/cameras', { name: `巡查监控 ${cams.length + 1}`, owner: '区城管局', deviceId: gb(), channelId: gb(), lon: at[0], lat: at[1],
      fieldOfView: { type: 'Polygon', coordinates: [[at, [at[0] + 0.001, at[1] + 0.001], [at[0] - 0.001, at[1] + 0.001], at]] }, ...extra }, auth.district)
    expect(res.statusCode, res.body).to.equal(201)
    return res.json().id as number
  }
  const round = (by: string, body: Record<string, unknown>) =>
    client.post('/api/v1/cameras/patrols', { name: '白班视频巡查', shiftDate: '2026-12-04', shift: 'day', assigneeId: ids.community, cameraIds: cams, ...body }, auth[by])

  before(async () => {
    client = await testClient()
    knex = client.context.knex
    for (const u of ['district', 'street1', 'street2', 'community', 'inspector']) auth[u] = await loginAs(client, u)
    for (const r of await knex('app_user').whereIn('username', Object.keys(auth)).select('id', 'username')) ids[r.username] = Number(r.id)
    const [a, b] = [await pointIn(C1), await pointIn(C2)]
    for (let i = 0; i < 3; i++) cams.push(await camera([a[0] + i * 0.0001, a[1]]))
    far = await camera(b)
    jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer()
    // a media server: a nested variant playlist with absolute and relative segment URIs
    segmentBytes = Buffer.from(Array.from({ length: 188 * 4 }, (_, i) => (i % 188 === 0 ? 0x47 : i % 251)))
    standIn = http.createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname
      if (path === '/live/s1/hls.m3u8') {
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
        return res.end(`#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\nv0/index.m3u8\n`)
      }
      if (path === '/live/s1/v0/index.m3u8') {
        res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
        return res.end(`#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nseg0.ts\n#EXTINF:1.0,\n${base}/live/s1/v0/seg1.ts?session=x\n#EXT-X-ENDLIST\n`)
      }
      if (/^\/live\/s1\/v0\/seg[01]\.ts$/.test(path)) { res.writeHead(200, { 'content-type': 'video/mp2t' }); return res.end(segmentBytes) }
      if (path === '/secret.ts') { res.writeHead(200); return res.end('outside') }
      res.writeHead(404); res.end()
    })
    await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`
    withStream = await camera([a[0], a[1] + 0.0001], { streamUrlTemplate: `${base}/live/s1/hls.m3u8` })
  })

  after(async () => {
    standIn?.closeAllConnections()
    await new Promise((r) => standIn?.close(r))
    await knex('camera_patrol').whereIn('id', patrols).delete()
    await knex('camera').whereIn('id', [...cams, far, withStream].filter(Boolean)).delete()
  })

  it('assigns a round in the order given; its member and the area see it, another street gets 404', async () => {
    const res = await round('street1', {})
    expect(res.statusCode, res.body).to.equal(201)
    const r = res.json()
    patrols.push(r.id)
    expect(r).to.deep.include({ stops: 3, checked: 0, status: 'open', assignee: { userId: ids.community, name: r.assignee.name } })
    expect(r.items.map((s: { camera: { id: number } }) => s.camera.id)).to.deep.equal(cams)
    const mine = (await client.get('/api/v1/cameras/patrols?assignee=me', auth.community)).json().items as { id: number }[]
    expect(mine.map((p) => p.id)).to.include(r.id)
    expect((await client.get(`/api/v1/cameras/patrols/${r.id}`, auth.district)).statusCode).to.equal(200)
    expect((await client.get(`/api/v1/cameras/patrols/${r.id}`, auth.street2)).statusCode).to.equal(404)
    const other = (await client.get('/api/v1/cameras/patrols?limit=500', auth.street2)).json().items as { id: number }[]
    expect(other.map((p) => p.id)).to.not.include(r.id)
  })

  it('refuses a camera outside the jurisdiction, a member who cannot see the cameras, a repeated camera and a false date, naming the field', async () => {
    expectRefusal(await round('street1', { cameraIds: [cams[0], far] }), 'cameraIds.1', 'a camera of street2')
    expectRefusal(await round('street1', { assigneeId: ids.street2 }), 'assigneeId', 'street2 sees none of them')
    expectRefusal(await round('street1', { assigneeId: ids.inspector }), 'assigneeId', 'an inspector role')
    expectRefusal(await round('street1', { cameraIds: [cams[0], cams[0]] }), 'cameraIds', 'twice')
    expectRefusal(await round('street1', { shiftDate: '2026-02-30' }), 'shiftDate', '30 February')
    expect((await round('inspector', {})).statusCode).to.equal(403)
  })

  it('is checked by its member in order; a finding becomes a video_patrol event with the snapshot attached', async () => {
    const made = await round('district', {})
    expect(made.statusCode, made.body).to.equal(201)
    const id = made.json().id as number
    patrols.push(id)
    const url = (seq: number) => `/api/v1/cameras/patrols/${id}/stops/${seq}`
    expect((await client.post(url(1), { result: 'normal' }, auth.street1)).statusCode, 'not the member').to.equal(403)
    const early = await client.post(url(2), { result: 'normal' }, auth.community)
    expect(early.statusCode, early.body).to.equal(409)
    expect(early.json()).to.include({ code: 'cameras.patrol_out_of_turn' })
    expect((await client.post(url(1), { result: 'normal', note: '画面清晰' }, auth.community)).statusCode).to.equal(200)
    expect((await client.post(url(1), { result: 'normal' }, auth.community)).statusCode, 'twice').to.equal(409)
    const finding = { classCode: '0102', description: '视频巡查发现占道堆物' }
    expectRefusal(await client.post(url(2), { result: 'finding', finding }, auth.community), 'snapshot', 'no snapshot')
    const png = `data:image/png;base64,${jpeg.toString('base64')}`
    expectRefusal(await client.post(url(2), { result: 'finding', finding, snapshot: png }, auth.community), 'snapshot', 'JPEG bytes declared PNG')
    const res = await client.post(url(2), { result: 'finding', finding, snapshot: `data:image/jpeg;base64,${jpeg.toString('base64')}` }, auth.community)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().eventNumber as string
    events.push(number)
    expect(res.json()).to.include({ checked: 2, findings: 1, status: 'open' })
    const ev = await knex('event').where({ number }).first('id', 'channel', 'class_code', 'description')
    expect(ev).to.include({ channel: 'video_patrol', class_code: '0102' })
    expect(ev.description).to.include('占道堆物')
    const files = await knex('event_attachment').where({ event_id: ev.id }).select('sha256', 'media_type', 'stage', 'size_bytes')
    expect(files).to.deep.equal([{ sha256: createHash('sha256').update(jpeg).digest('hex'), media_type: 'image/jpeg', stage: 'intake', size_bytes: jpeg.length }])
    expect((await client.post(url(3), { result: 'normal' }, auth.community)).json()).to.include({ checked: 3, status: 'done' })
    const stops = (await client.get(`/api/v1/cameras/patrols/${id}`, auth.community)).json().items as { state: string; eventNumber: string | null }[]
    expect(stops.map((s) => [s.state, s.eventNumber])).to.deep.equal([['normal', null], ['finding', number], ['normal', null]])
  })

  it('hands the HLS stream through our origin: playlists rewritten to come back here, segments as sent, a forged ticket refused', async () => {
    const play = await client.post(`/api/v1/cameras/${withStream}/play`, {}, auth.community)
    expect(play.statusCode, play.body).to.equal(200)
    const live = play.json().live as string
    expect(live).to.match(new RegExp(`^/api/v1/cameras/${withStream}/live/[^/]+/hls\\.m3u8$`))
    const master = await client.get(live) // no bearer: the ticket stands for the user
    expect(master.statusCode, master.body).to.equal(200)
    expect(master.headers['content-type']).to.match(/mpegurl/)
    expect(master.body).to.include('\nv0%2Findex.m3u8\n')
    const dir = live.slice(0, live.lastIndexOf('/') + 1)
    const variant = await client.get(`${dir}v0%2Findex.m3u8`)
    expect(variant.statusCode, variant.body).to.equal(200)
    expect(variant.body.split('\n').filter((l) => l && !l.startsWith('#'))).to.deep.equal(['v0%2Fseg0.ts', 'v0%2Fseg1.ts'])
    const seg = await client.request({ method: 'GET', url: `${dir}v0%2Fseg1.ts` })
    expect(seg.statusCode).to.equal(200)
    expect(seg.rawPayload.equals(segmentBytes)).to.equal(true)
    expect((await client.get(`${dir}..%2F..%2Fsecret.ts`)).statusCode, 'outside the stream directory').to.equal(404)
    const forged = live.replace(/\.([A-Za-z0-9_-]{22})\//, (_, mac: string) => `.${mac.slice(1)}A/`)
    expect((await client.get(forged)).statusCode).to.equal(403)
    expect((await client.get(live.replace(`/cameras/${withStream}/`, `/cameras/${cams[0]}/`))).statusCode, 'another camera').to.equal(403)
  })
})
