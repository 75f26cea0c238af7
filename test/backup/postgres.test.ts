// Backup and restore on a PostgreSQL server (needs the real server: DATABASE_URL; CI runs it).
// A round trip judged by content, a flipped byte refused before anything is touched, a non-empty
// target refused (and replaced with --force).
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import knexFactory, { type Knex } from 'knex'
import type { Config } from '../../server/config.ts'
import { openDatabase, type Database } from '../../server/db/index.ts'
import { restorePostgres } from '../../server/backup/postgres.ts'
import { BackupError } from '../../server/backup/errors.ts'
import { loginAs, type Client } from '../support/http.ts'
import {
  attachmentState, baseConfig, cli, clientOver, dbState, eventWithFiles, flipPositions, flipped, openSeeded, png, sha, tableCount, tempDir,
  type State,
} from './roundTrip.ts'
import { createTestDatabaseFrom } from '../support/template.ts'

describe('backup: PostgreSQL round trip (npm run backup / restore)', function () {
  this.timeout(10 * 60_000)
  const base = baseConfig()
  let admin: Knex
  const databases: string[] = []
  const dirs: string[] = []
  const open: Database[] = []
  let src: { db: Database; client: Client; config: Config; auth: Record<string, string> }
  let archive: string
  let atBackup: State
  let afterChange: Omit<State, 'attachments'>
  const files = { a: png(300), b: png(700), later: png(400) }

  /** A new database on the test server: empty, or a copy of the run's template (the demo city). */
  const newDatabase = async (tag: string, seeded = false) => {
    const name = `gridgov_bk_${tag}_${Date.now()}_${process.pid}`
    if (seeded) await createTestDatabaseFrom(admin, name)
    else await admin.raw('CREATE DATABASE ??', [name])
    databases.push(name)
    const url = new URL(base.databaseUrl!)
    url.pathname = `/${name}`
    return url.toString()
  }
  const dir = (tag: string) => { const d = tempDir(tag); dirs.push(d); return d }

  before(async function () {
    if (!base.databaseUrl) {
      console.log('    (skipped: pg_dump/pg_restore need a PostgreSQL server; set DATABASE_URL — CI does)')
      this.skip()
    }
    admin = knexFactory({ client: 'pg', connection: base.databaseUrl!, pool: { min: 0, max: 1 } })
    const config: Config = { ...base, databaseUrl: await newDatabase('src', true), dataDir: dir('src') }
    const db = await openSeeded(config)
    open.push(db)
    const client = await clientOver(db, config)
    const auth = await loginAs(client, 'command')
    src = { db, client, config, auth }
    await eventWithFiles(client, auth, 0, '备份测试 甲 two photos', [files.a, files.b])
    await eventWithFiles(client, auth, 1, '备份测试 乙 the same photo again', [files.a])
    // the API reads first (a request may write), then the database by content, then the backup
    const attachments = await attachmentState(client, auth)
    atBackup = { ...(await dbState(db.knex)), attachments }
    archive = path.join(dir('archive'), 'gridgov.tar')
    const run = await cli('backup', ['--out', archive], { DATABASE_URL: config.databaseUrl, DATA_DIR: config.dataDir })
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.match(/backup written: .*gridgov\.tar/)

    // after the backup: one event and file added, one attachment row deleted
    await eventWithFiles(client, auth, 2, '备份之后 丙 added after the backup', [files.later])
    const [first] = await db.knex('event_attachment').orderBy('id').limit(1).pluck('id')
    expect(await db.knex('event_attachment').where({ id: first }).del()).to.equal(1)
    afterChange = await dbState(db.knex)
  })

  after(async function () {
    for (const db of open) await db.close().catch(() => undefined)
    for (const name of databases) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]).catch(() => undefined)
    await admin?.destroy()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  it('the changes after the backup are visible in the source (positive control)', () => {
    expect(afterChange.events.length).to.equal(atBackup.events.length + 1)
    expect(afterChange.tables['public.event']).to.equal(atBackup.tables['public.event']! + 1)
    expect(Object.values(atBackup.attachments)).to.have.members([sha(files.a), sha(files.b), sha(files.a)])
    expect(Object.keys(atBackup.tables)).to.include.members(['public.event', 'public.event_attachment', 'public.app_user', 'public.schema_migration'])
  })

  it('restores into a fresh database exactly the state at backup time (tables, events, attachment bytes)', async () => {
    const config: Config = { ...base, databaseUrl: await newDatabase('dst'), dataDir: dir('dst') }
    const run = await cli('restore', [archive], { DATABASE_URL: config.databaseUrl, DATA_DIR: config.dataDir })
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.contain('restore complete')
    const db = await openDatabase(config)
    open.push(db)
    const restored = await dbState(db.knex)
    expect(restored.tables).to.deep.equal(atBackup.tables)
    expect(restored.events).to.deep.equal(atBackup.events)
    expect(restored.events.map((e) => e.description)).to.not.include('备份之后 丙 added after the backup')
    const client = await clientOver(db, config)
    expect(await attachmentState(client, await loginAs(client, 'command'))).to.deep.equal(atBackup.attachments)
    // only the files the rows name, once each (content-addressed)
    const blobs = (fs.readdirSync(path.join(config.dataDir, 'attachments'), { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(config.dataDir, 'attachments', f)).isFile()).map((f) => path.basename(f))
    expect(blobs).to.have.members([sha(files.a), sha(files.b)])
  })

  it('refuses an archive with any one byte changed, before touching the database or the files', async () => {
    const url = await newDatabase('flip')
    const dataDir = dir('flip')
    const scratch = dir('flips')
    const positions = flipPositions(archive)
    for (const at of positions) {
      const err = await restorePostgres(url, dataDir, flipped(archive, at, scratch)).then(() => undefined, (e: unknown) => e)
      expect(err, `byte ${at}`).to.be.instanceOf(BackupError)
      expect((err as BackupError).code, `byte ${at}: ${(err as Error).message}`).to.equal('archive_corrupt')
      fs.rmSync(path.join(scratch, `flipped-${at}.tar`))
    }
    const run = await cli('restore', [flipped(archive, positions[6]!, scratch)], { DATABASE_URL: url, DATA_DIR: dataDir })
    expect(run.code).to.equal(1)
    expect(run.stderr).to.match(/damaged|does not match its manifest/)
    const target = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
    try {
      expect(await tableCount(target)).to.equal(0)
      expect(fs.existsSync(path.join(dataDir, 'attachments'))).to.equal(false)
      // positive control: the same target takes the unchanged archive
      await restorePostgres(url, dataDir, archive)
      expect(await tableCount(target)).to.be.greaterThan(50)
    } finally {
      await target.destroy()
    }
  })

  it('refuses a restore over a non-empty database, and --force replaces it', async () => {
    const run = await cli('restore', [archive], { DATABASE_URL: src.config.databaseUrl, DATA_DIR: dir('nonempty') })
    expect(run.code).to.equal(1)
    expect(run.stderr).to.contain('the target database is not empty')
    expect(await dbState(src.db.knex)).to.deep.equal(afterChange)

    const config: Config = { ...base, databaseUrl: await newDatabase('force'), dataDir: dir('force') }
    const db = await openSeeded(config)
    open.push(db)
    await db.knex.raw('CREATE TABLE leftover (id int)')
    await db.knex('event_attachment').del()
    const forced = await cli('restore', [archive, '--force'], { DATABASE_URL: config.databaseUrl, DATA_DIR: config.dataDir })
    expect(forced.code, forced.stderr).to.equal(0)
    expect(forced.stdout).to.contain('--force: dropped')
    const restored = await dbState(db.knex)
    expect(restored.tables).to.deep.equal(atBackup.tables)
    expect(restored.events).to.deep.equal(atBackup.events)
  })

  it('refuses broken command lines and an archive that is not one', async () => {
    const env = { DATABASE_URL: await newDatabase('usage'), DATA_DIR: dir('usage') }
    const none = await cli('restore', [], env)
    expect(none.code).to.equal(2)
    expect(none.stderr).to.contain('usage: npm run restore')
    const unknown = await cli('backup', ['--outt', 'x.tar'], env)
    expect(unknown.code).to.equal(2)
    const missing = await cli('restore', ['/nonexistent/backup.tar'], env)
    expect(missing.code).to.equal(1)
    expect(missing.stderr).to.contain('cannot read the archive')
    const before = fs.readFileSync(archive)
    const again = await cli('backup', ['--out', archive], { DATABASE_URL: src.config.databaseUrl, DATA_DIR: src.config.dataDir })
    expect(again.code).to.equal(1)
    expect(again.stderr).to.contain('already exists')
    expect(fs.readFileSync(archive).equals(before)).to.equal(true)
    const junk = path.join(dir('junk'), 'junk.tar')
    fs.writeFileSync(junk, Buffer.alloc(4096, 0x41))
    const notTar = await cli('restore', [junk], env)
    expect(notTar.code).to.equal(1)
    expect(notTar.stderr).to.contain('not a gridgov backup')
  })
})
