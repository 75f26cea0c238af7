// A full disk for attachments: a real 1 MiB tmpfs is the attachment store (DATA_DIR) of the app
// under test. Uploads fill it; the one that does not fit answers a coded 507 problem (Chinese
// when asked), and leaves no row, no history note, no temporary and no final file behind: the
// free space after the refusal is what it was before it. A refusal after the blob is stored (the
// row cannot be written) removes the blob it created. Mounting needs root: CI runs as root.
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Response } from 'light-my-request'
import { getTestContext, getTestDb } from '../support/db.ts'
import { loginAs, testClient, type Client } from '../support/http.ts'
import { pointIn, uniq } from '../events/helpers.ts'
import { MAX_PER_EVENT } from '../../server/events/attachments.ts'

const KiB = 1024
/** A JPEG (magic bytes, then random bytes, so every one has its own hash) of n bytes. */
const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(n - 6), Buffer.from([0xff, 0xd9])])
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex')

describe('faults: a full disk for attachments answers 507 and leaves nothing behind', function () {
  let mnt: string
  let mounted = false
  let client: Client
  let knex: Knex
  let auth: Record<string, string>

  before(async function () {
    if (process.getuid?.() !== 0) this.skip() // mounting a tmpfs needs root; CI runs as root
    mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-full-'))
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' })
    } catch (err) {
      throw new Error(`mounting a 1 MiB tmpfs at ${mnt} failed: this fault test needs root with CAP_SYS_ADMIN (${String((err as Error).message)})`, { cause: err })
    }
    mounted = true
    client = await testClient(await getTestContext({ dataDir: mnt }))
    knex = await getTestDb()
    auth = await loginAs(client, 'command')
  })

  after(() => {
    if (mounted) execFileSync('umount', [mnt])
    if (mnt) fs.rmSync(mnt, { recursive: true, force: true })
  })

  const newEvent = async () => {
    const p = await pointIn(knex, '990102001001', 2)
    const res = await client.post('/api/v1/events', { channel: 'superior', demandType: '投诉举报', classCode: '0102',
      description: uniq('磁盘满测试'), location: { x: p.lon, y: p.lat } }, auth)
    expect(res.statusCode, res.body).to.equal(201)
    const number = res.json().event.number as string
    return { number, id: Number((await knex('event').where({ number }).first('id')).id) }
  }
  const upload = (number: string, payload: Buffer | Readable, lang = 'zh-CN') => client.request({
    method: 'POST', url: `/api/v1/events/${number}/attachments?stage=intake&name=photo.jpg`, payload,
    headers: { ...auth, 'content-type': 'image/jpeg', 'accept-language': lang },
  })
  /** Every file under the store, relative, and the hash of its content. */
  const files = () => {
    const root = path.join(mnt, 'attachments')
    if (!fs.existsSync(root)) return []
    return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile())
      .map((f) => ({ name: path.basename(f), dir: path.dirname(f), sha256: sha(fs.readFileSync(path.join(root, f))) }))
  }
  const free = () => { const s = fs.statfsSync(mnt); return s.bavail * s.bsize }
  const rowsOf = async (id: number) => (await knex('event_attachment').where({ event_id: id }).orderBy('id')).map((r) => r.sha256 as string)
  const notesOf = async (id: number) => Number((await knex('event_history').where({ event_id: id, action: 'attachment_added' }).count('* as n'))[0]!.n)
  const expect507 = (res: Response, zh: boolean) => {
    expect(res.statusCode, res.body).to.equal(507)
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/)
    const body = res.json()
    expect(body).to.include({ status: 507, title: 'Insufficient Storage', code: 'events.storage_full' })
    expect(body.type).to.equal('https://gridgov.invalid/problems/insufficient_storage')
    if (zh) expect(body.detail).to.equal('附件存储空间已满，文件未保存：请联系管理员清理存储空间后重新上传')
    else expect(body.detail).to.match(/attachment store is full/)
  }

  it('fills the store: uploads that fit are stored by content, the one that does not is a 507 with no row and no file', async () => {
    const e = await newEvent()
    const stored: Buffer[] = []
    let refused: Response | undefined
    // 300 KiB each: three fit in 1 MiB, the fourth cannot
    for (let i = 0; i < 6 && !refused; i++) {
      const data = jpeg(300 * KiB)
      const before = free()
      const res = await upload(e.number, data)
      if (res.statusCode === 201) {
        expect(res.json().sha256).to.equal(sha(data))
        stored.push(data)
        continue
      }
      refused = res
      expect507(res, true)
      // the temporary file is gone: the space is free again, to the byte
      expect(free()).to.equal(before)
    }
    // the positive control: some uploads did fit, and are there by content
    expect(stored.length).to.equal(3)
    expect(refused, 'a refusal came').not.to.equal(undefined)
    expect(await rowsOf(e.id)).to.deep.equal(stored.map(sha))
    expect(await notesOf(e.id)).to.equal(3)
    const onDisk = files()
    expect(onDisk.map((f) => f.name).sort()).to.deep.equal(stored.map(sha).sort())
    expect(onDisk.every((f) => f.name === f.sha256 && f.dir !== 'tmp'), 'no temporary or partial file').to.equal(true)

    // a streamed upload without Content-Length (the size is learnt only while writing): same answer
    const before = free()
    const streamed = await upload(e.number, Readable.from([jpeg(100 * KiB), crypto.randomBytes(200 * KiB)]), 'en')
    expect507(streamed, false)
    expect(free()).to.equal(before)
    expect(await rowsOf(e.id)).to.have.length(3)

    // what still fits is stored: the refusals left no space taken
    const small = jpeg(16 * KiB)
    const ok = await upload(e.number, small)
    expect(ok.statusCode, ok.body).to.equal(201)
    expect(await rowsOf(e.id)).to.deep.equal([...stored, small].map(sha))
    expect(files().map((f) => f.name).sort()).to.deep.equal([...stored, small].map(sha).sort())
    expect(await notesOf(e.id)).to.equal(4)
  })

  it('a row that cannot be written (the per-event limit) removes the blob this upload created, and keeps a shared one', async () => {
    const e = await newEvent()
    const fill = Array.from({ length: MAX_PER_EVENT }, (_, i) => ({ event_id: e.id, city_code: '990100',
      sha256: sha(Buffer.from(`placeholder ${e.id} ${i}`)), media_type: 'image/jpeg', size_bytes: 1, stage: 'other' }))
    await knex('event_attachment').insert(fill)
    const data = jpeg(8 * KiB)
    const res = await upload(e.number, data)
    expect(res.statusCode, res.body).to.equal(409)
    expect(res.json().code).to.equal('events.too_many_attachments')
    expect(files().map((f) => f.name)).not.to.include(sha(data))
    expect(await rowsOf(e.id)).to.have.length(MAX_PER_EVENT)
    // the same bytes already attached to another event: the refusal must not take their file
    const other = await newEvent()
    const kept = await upload(other.number, data)
    expect(kept.statusCode, kept.body).to.equal(201)
    expect((await upload(e.number, data)).statusCode).to.equal(409)
    expect(files().filter((f) => f.name === sha(data))).to.have.length(1)
    const download = await client.request({ method: 'GET', url: `/api/v1/events/${other.number}/attachments/${kept.json().id}`, headers: auth })
    expect(download.statusCode).to.equal(200)
    expect(sha(download.rawPayload)).to.equal(sha(data))
  })
})
