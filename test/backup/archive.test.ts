// The archive reader against hostile and broken archives (no database needed): every refusal is
// a BackupError with its code, nothing is written outside the private staging directory, and a
// well-formed archive passes (positive control). `tar` itself lists what we write.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import { writeArchive, type EntrySource } from '../../server/backup/archive.ts'
import { BackupError } from '../../server/backup/errors.ts'
import { refuseEngine, unpackAndVerify } from '../../server/backup/files.ts'
import { FORMAT, MANIFEST, MANIFEST_SUM, PG_DUMP, sha256, type Manifest } from '../../server/backup/manifest.ts'
import { readMigrations } from '../../server/db/migrate.ts'
import { tempDir } from './roundTrip.ts'

describe('backup: the archive reader refuses broken and hostile archives', () => {
  let dir: string
  const dump = Buffer.from('PGDMP fake dump bytes')
  const blob = Buffer.from('attachment bytes')
  const blobName = `attachments/${sha256(blob).slice(0, 2)}/${sha256(blob).slice(2, 4)}/${sha256(blob)}`

  const manifestOf = (parts: { name: string; bytes: Buffer }[], over: Partial<Manifest> = {}): Manifest => ({
    format: FORMAT, version: 1, engine: 'postgresql', createdAt: new Date().toISOString(), gridgov: '0.1.0',
    migrations: readMigrations().map((m) => m.name), database: { serverVersion: 'PostgreSQL 15', tool: 'pg_dump 15' },
    extensions: [{ name: 'postgis', version: '3.3.2' }], tables: { 'public.event': 3 }, missingAttachments: [],
    parts: parts.map((p) => ({ name: p.name, size: p.bytes.length, sha256: sha256(p.bytes) })), ...over,
  })
  /** An archive of the manifest (as given, or computed from `parts`) and the entries. */
  const archive = async (file: string, parts: { name: string; bytes: Buffer }[], opts: { manifest?: unknown; sum?: string; entries?: EntrySource[] } = {}) => {
    const text = Buffer.from(JSON.stringify(opts.manifest ?? manifestOf(parts)))
    const target = path.join(dir, file)
    await writeArchive(target, [{ name: MANIFEST, bytes: text }, { name: MANIFEST_SUM, bytes: Buffer.from(opts.sum ?? `${sha256(text)}  ${MANIFEST}\n`) },
      ...(opts.entries ?? parts.map((p) => ({ name: p.name, bytes: p.bytes })))], new Date())
    return target
  }
  const refusal = async (file: string) => {
    const before = fs.readdirSync(dir).sort()
    const err = await unpackAndVerify(file).then((u) => u.cleanup().then(() => undefined), (e: unknown) => e)
    expect(fs.readdirSync(dir).sort()).to.deep.equal(before)
    expect(err, file).to.be.instanceOf(BackupError)
    return err as BackupError
  }
  const good = [{ name: PG_DUMP, bytes: dump }, { name: blobName, bytes: blob }]

  before(() => { dir = tempDir('archive-unit') })
  after(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('reads back a well-formed archive, which tar lists too (positive control)', async () => {
    const file = await archive('good.tar', good)
    const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n')
    expect(listed).to.deep.equal([MANIFEST, MANIFEST_SUM, PG_DUMP, blobName])
    const unpacked = await unpackAndVerify(file)
    try {
      expect(fs.readFileSync(unpacked.file(blobName))).to.deep.equal(blob)
      expect(unpacked.manifest.parts.map((p) => p.name)).to.deep.equal([PG_DUMP, blobName])
    } finally {
      await unpacked.cleanup()
    }
  })

  it('refuses path traversal, absolute and unexpected names, duplicates, and extra or missing parts', async () => {
    for (const name of ['../evil', 'attachments/../../evil', '/etc/passwd', 'notes.txt', 'attachments/ab/cd/short']) {
      const err = await refusal(await archive(`name-${sha256(name).slice(0, 6)}.tar`, good, { entries: [{ name, bytes: blob }] }))
      expect(err.code, name).to.equal('archive_corrupt')
    }
    expect(fs.existsSync(path.join(path.dirname(dir), 'evil'))).to.equal(false)
    const dup = await refusal(await archive('dup.tar', good, { entries: [{ name: PG_DUMP, bytes: dump }, { name: PG_DUMP, bytes: dump }] }))
    expect(dup.message).to.contain('unexpected entry')
    const extra = await refusal(await archive('extra.tar', [good[0]!], { entries: good }))
    expect(extra.message).to.contain('more parts than the 1 listed')
    const missing = await refusal(await archive('missing.tar', good, { entries: [good[0]!] }))
    expect(missing.message).to.contain('1 parts present, 2 listed')
    const renamed = await refusal(await archive('renamed.tar', [{ name: blobName.slice(0, -1) + (blobName.endsWith('0') ? '1' : '0'), bytes: blob }]))
    expect(renamed.message, renamed.message).to.contain('its bytes do not hash to its name')
  })

  it('refuses a manifest that is not JSON, not ours, of another version, or whose checksum differs', async () => {
    expect((await refusal(await archive('sum.tar', good, { sum: `${'0'.repeat(64)}  manifest.json\n` }))).message).to.contain('manifest checksum differs')
    const text = 'not json {'
    expect((await refusal(await archive('json.tar', good, { manifest: text, sum: sha256(JSON.stringify(text)) }))).message).to.contain('the manifest is invalid')
    expect((await refusal(await archive('v2.tar', good, { manifest: { ...manifestOf(good), version: 2 } }))).code).to.equal('archive_version')
    expect((await refusal(await archive('other.tar', good, { manifest: { hello: 'world' } }))).message).to.contain('the manifest is invalid')
    const huge = { ...manifestOf(good), gridgov: 'x'.repeat(100_000) }
    expect((await refusal(await archive('huge.tar', good, { manifest: huge }))).message).to.contain('the manifest is invalid')
    const newer = manifestOf(good, { migrations: [...readMigrations().map((m) => m.name), '9999_from_the_future.sql'] })
    const err = await refusal(await archive('newer.tar', good, { manifest: newer }))
    expect(err.code).to.equal('archive_newer')
    expect(err.message).to.contain('9999_from_the_future.sql')
  })

  it('refuses a truncated file, trailing bytes, an empty file and a restore into the other engine', async () => {
    const file = await archive('whole.tar', good)
    const bytes = fs.readFileSync(file)
    for (const [name, b] of [['cut.tar', bytes.subarray(0, bytes.length - 1024)], ['cut2.tar', bytes.subarray(0, 1536)],
      ['tail.tar', Buffer.concat([bytes, Buffer.from('x'.repeat(512))])], ['empty.tar', Buffer.alloc(0)]] as const) {
      fs.writeFileSync(path.join(dir, name), b)
      expect((await refusal(path.join(dir, name))).code, name).to.equal('archive_corrupt')
    }
    const m = manifestOf(good)
    expect(() => refuseEngine(m, 'postgresql')).to.not.throw()
    expect(() => refuseEngine(m, 'embedded')).to.throw(BackupError, 'set DATABASE_URL')
    expect(() => refuseEngine({ ...m, engine: 'embedded' }, 'postgresql')).to.throw(BackupError, 'without DATABASE_URL')
  })
})
