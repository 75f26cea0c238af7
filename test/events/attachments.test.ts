// Attachments: upload of each accepted type as a raw body, magic bytes against the declared
// type, size limits while streaming (nothing stored on refusal), content-addressed storage
// (identical bytes = one file), byte-exact download with ETag, who may attach, jurisdiction.
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { Readable } from 'node:stream'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { getTestDb } from '../support/db.ts'
import { pointIn, uniq } from './helpers.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { createUser } from '../../server/auth/users.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { attachmentsOfEvent, MEDIA_TYPES, sniff } from '../../server/events/attachments.ts'

const bytes = (...parts: (string | number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))
const noise = (n: number) => crypto.randomBytes(n)

/** A minimal, recognisable file of each accepted type (headers as real files have them). */
function sample(type: keyof typeof MEDIA_TYPES): Buffer {
  switch (type) {
    case 'image/jpeg': return bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0', noise(300), [0xff, 0xd9])
    case 'image/png': return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13], 'IHDR', noise(200))
    case 'image/webp': return bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ', noise(200))
    case 'application/pdf': return bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', noise(200), '\n%%EOF\n')
    case 'audio/mpeg': return bytes('ID3', [4, 0, 0, 0, 0, 0, 0], [0xff, 0xfb, 0x90, 0x64], noise(400))
    case 'video/mp4': return bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 2, 0], 'isomiso2', noise(300))
  }
}

describe('events: attachments', function () {
  let client: Client
  let knex: Knex
  let dataDir: string
  const auth: Record<string, Record<string, string>> = {}
  let number: string
  let eventId: number
  const blobs = () => {
    const root = path.join(dataDir, 'attachments')
    if (!fs.existsSync(root)) return []
    return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile())
  }
  const upload = (payload: Buffer | Readable, type: string | undefined, who = 'command', query = 'stage=intake', num = number) =>
    client.request({ method: 'POST', url: `/api/v1/events/${num}/attachments?${query}`, payload,
      headers: { ...auth[who], ...(type ? { 'content-type': type } : {}) } })

  before(async () => {
    client = await testClient()
    knex = await getTestDb()
    dataDir = client.context.config.dataDir
    for (const u of ['command', 'street1', 'street2', 'analyst', 'department']) auth[u] = await loginAs(client, u)
    const p1 = await pointIn(knex, '990102001001', 1)
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: uniq('附件测试 垃圾堆放'), location: { x: p1.lon, y: p1.lat } }, auth.command)
    expect(res.statusCode, res.body).to.equal(201)
    number = res.json().event.number
    eventId = Number((await knex('event').where({ number }).first('id')).id)
  })

  it('recognises each accepted type by its magic bytes', () => {
    for (const t of Object.keys(MEDIA_TYPES) as (keyof typeof MEDIA_TYPES)[]) expect(sniff(sample(t)), t).to.equal(t)
    expect(sniff(Buffer.from('<html><body>'))).to.equal(undefined)
    expect(sniff(Buffer.alloc(0))).to.equal(undefined)
  })

  it('stores each type and downloads it byte-exact with its type, name and ETag', async () => {
    for (const t of Object.keys(MEDIA_TYPES) as (keyof typeof MEDIA_TYPES)[]) {
      const data = sample(t)
      const name = `现场照片-${MEDIA_TYPES[t].ext}.${MEDIA_TYPES[t].ext}`
      const res = await upload(data, `${t}; charset=binary`, 'command', `stage=handling&name=${encodeURIComponent(name)}`)
      expect(res.statusCode, `${t}: ${res.body}`).to.equal(201)
      const a = res.json()
      const sha = crypto.createHash('sha256').update(data).digest('hex')
      expect(a).to.include({ mediaType: t, sizeBytes: data.length, name, stage: 'handling', sha256: sha })
      expect(res.headers.location).to.equal(a.href)
      expect(fs.existsSync(path.join(dataDir, 'attachments', sha.slice(0, 2), sha.slice(2, 4), sha))).to.equal(true)
      const got = await client.request({ method: 'GET', url: a.href, headers: auth.street1 })
      expect(got.statusCode).to.equal(200)
      expect(got.rawPayload.equals(data), `${t} round trip`).to.equal(true)
      expect(got.headers['content-type']).to.equal(t)
      expect(got.headers.etag).to.equal(`"${sha}"`)
      expect(got.headers['content-disposition']).to.match(/^attachment; filename="attachment-\d+\.\w+"; filename\*=UTF-8''%E7%8E%B0/)
      expect(got.headers['x-content-type-options']).to.equal('nosniff')
      const again = await client.request({ method: 'GET', url: a.href, headers: { ...auth.street1, 'if-none-match': `"${sha}"` } })
      expect(again.statusCode).to.equal(304)
    }
    const list = await client.get(`/api/v1/events/${number}/attachments`, auth.command)
    expect(list.json().items.map((i: { mediaType: string }) => i.mediaType)).to.include.members(Object.keys(MEDIA_TYPES))
    const history = await client.get(`/api/v1/events/${number}/history`, auth.command)
    expect(history.json().items.filter((h: { action: string }) => h.action === 'attachment_added').length).to.be.at.least(6)
  })

  it('keeps identical bytes as one file', async () => {
    const data = sample('image/jpeg')
    const before = blobs().length
    const a = await upload(data, 'image/jpeg')
    const b = await upload(data, 'image/jpeg', 'department', 'stage=feedback')
    expect(a.statusCode, a.body).to.equal(201)
    expect(b.statusCode, b.body).to.equal(201)
    expect(a.json().id).not.to.equal(b.json().id)
    expect(a.json().sha256).to.equal(b.json().sha256)
    expect(blobs().length).to.equal(before + 1)
  })

  it('refuses a declared type the bytes do not match, and types it does not accept (415)', async () => {
    const before = blobs().length
    const png = await upload(sample('image/jpeg'), 'image/png')
    expect(png.statusCode, png.body).to.equal(415)
    expect(png.json()).to.include({ declared: 'image/png', detected: 'image/jpeg' })
    const html = await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'image/jpeg')
    expect(html.statusCode).to.equal(415)
    expect(html.json().detected).to.equal(null)
    for (const t of ['text/html', 'application/octet-stream', 'image/gif', 'image/svg+xml', undefined]) {
      const res = await upload(sample('image/png'), t)
      expect(res.statusCode, `${t}: ${res.body}`).to.equal(415)
    }
    const tiny = await upload(Buffer.from([0xff]), 'image/jpeg')
    expect(tiny.statusCode).to.equal(415)
    expect(blobs().length).to.equal(before)
    expect(fs.readdirSync(path.join(dataDir, 'attachments', 'tmp'))).to.deep.equal([])
  })

  it('refuses an oversized file (413) whether announced or found while streaming, storing nothing', async () => {
    const before = blobs().length
    const rows = Number((await knex('event_attachment').where({ event_id: eventId }).count('* as n'))[0]!.n)
    const big = Buffer.concat([sample('image/jpeg'), Buffer.alloc(MEDIA_TYPES['image/jpeg'].maxBytes)])
    const announced = await upload(big, 'image/jpeg')
    expect(announced.statusCode, announced.body).to.equal(413)
    expect(announced.json().maxBytes).to.equal(MEDIA_TYPES['image/jpeg'].maxBytes)
    // no Content-Length: a chunked stream is cut off once it passes the limit
    const chunks = function* () {
      yield sample('image/jpeg')
      for (let i = 0; i < 12; i++) yield Buffer.alloc(1024 * 1024, i)
    }
    const streamed = await upload(Readable.from(chunks()), 'image/jpeg')
    expect(streamed.statusCode, streamed.body).to.equal(413)
    expect(blobs().length).to.equal(before)
    expect(fs.readdirSync(path.join(dataDir, 'attachments', 'tmp'))).to.deep.equal([])
    expect(Number((await knex('event_attachment').where({ event_id: eventId }).count('* as n'))[0]!.n)).to.equal(rows)
  })

  it('refuses an empty body, bad parameters, unknown and out-of-jurisdiction events', async () => {
    const empty = await upload(Buffer.alloc(0), 'image/jpeg')
    expect(empty.statusCode, empty.body).to.equal(400)
    expect(empty.json().detail).to.match(/empty/)
    expect((await upload(sample('image/png'), 'image/png', 'command', 'stage=later')).statusCode).to.equal(400)
    expect((await upload(sample('image/png'), 'image/png', 'command', 'name=..%2Fetc%2Fpasswd')).statusCode).to.equal(400)
    expect((await upload(sample('image/png'), 'image/png', 'command', 'name=a%0Ab')).statusCode).to.equal(400)
    expect((await upload(sample('image/png'), 'image/png', 'command', 'path=x')).statusCode).to.equal(400)
    expect((await upload(sample('image/png'), 'image/png', 'command', '', 'E202611239999')).statusCode).to.equal(404)
    expect((await upload(sample('image/png'), 'image/png', 'command', '', 'nonsense')).statusCode).to.equal(404)
    expect((await upload(sample('image/png'), 'image/png', 'street2')).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${number}/attachments`, auth.street2)).statusCode).to.equal(404)
    const any = (await client.get(`/api/v1/events/${number}/attachments`, auth.command)).json().items[0]
    expect((await client.get(any.href, auth.street2)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${number}/attachments/999999999`, auth.command)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${number}/attachments/abc`, auth.command)).statusCode).to.equal(404)
    expect((await upload(sample('image/png'), 'image/png', 'command', '', undefined)).statusCode).to.equal(201)
    const noAuth = await client.request({ method: 'POST', url: `/api/v1/events/${number}/attachments`, payload: sample('image/png'), headers: { 'content-type': 'image/png' } })
    expect(noAuth.statusCode).to.equal(401)
  })

  it('lets the reporter, staff of the area and the assignee attach; not an analyst or another citizen', async () => {
    expect((await upload(sample('image/png'), 'image/png', 'analyst')).statusCode).to.equal(403)
    expect((await upload(sample('image/png'), 'image/png', 'street1', 'stage=verify')).statusCode).to.equal(201)
    expect((await upload(sample('image/png'), 'image/png', 'department', 'stage=feedback')).statusCode).to.equal(201)
    // a citizen's own report
    const users = [`att_public_a_${process.pid}`, `att_public_b_${process.pid}`]
    for (const username of users) {
      await createUser(knex, { username, displayName: '市民', password: DEMO_PASSWORD, role: 'public', cityCode: '990100', adminCodes: [] })
      auth[username] = await loginAs(client, username)
    }
    const p = await pointIn(knex, '990102001001', 2)
    const own = await client.post('/api/v1/events', { channel: 'resident', demandType: '投诉举报', classCode: '0102',
      description: uniq('楼下垃圾'), location: { x: p.lon, y: p.lat } }, auth[users[0]!])
    expect(own.statusCode, own.body).to.equal(201)
    const mine = own.json().event.number
    expect((await upload(sample('image/jpeg'), 'image/jpeg', users[0], 'stage=intake', mine)).statusCode).to.equal(201)
    const verify = await upload(sample('image/jpeg'), 'image/jpeg', users[0], 'stage=verify', mine)
    expect(verify.statusCode).to.equal(403)
    expect((await upload(sample('image/jpeg'), 'image/jpeg', users[1], 'stage=intake', mine)).statusCode).to.equal(404)
    expect((await client.get(`/api/v1/events/${mine}/attachments`, auth[users[0]!])).json().items).to.have.length(1)
  })

  it('attachmentsOfEvent() returns only this event’s attachments, in the order asked', async () => {
    const items = (await client.get(`/api/v1/events/${number}/attachments`, auth.command)).json().items as { id: number }[]
    const [a, b] = [items[0]!.id, items[1]!.id]
    const rows = await attachmentsOfEvent(knex, eventId, [b, a, 987654321])
    expect(rows.map((r) => r.id)).to.deep.equal([b, a])
    expect(await attachmentsOfEvent(knex, eventId + 1_000_000, [a])).to.deep.equal([])
    expect(await attachmentsOfEvent(knex, eventId, [])).to.deep.equal([])
  })
})
