// Backup and restore of the embedded engine (PGlite in DATA_DIR): refused while the server runs
// on that directory, a round trip judged by content, a flipped byte refused before anything is
// touched, a non-empty data directory refused. Runs on both CI engines (it never needs a server).
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'chai'
import type { Config } from '../../server/config.ts'
import { openDatabase, type Database } from '../../server/db/index.ts'
import { backupEmbedded, restoreEmbedded } from '../../server/backup/embedded.ts'
import { BackupError } from '../../server/backup/errors.ts'
import { loginAs } from '../support/http.ts'
import {
  attachmentState, baseConfig, cli, clientOver, dbState, eventWithFiles, flipPositions, flipped, openSeeded, png, sha, tempDir,
  type State,
} from './roundTrip.ts'

describe('backup: embedded engine round trip (npm run backup / restore)', function () {
  this.timeout(15 * 60_000)
  const embedded = (dataDir: string): Config => ({ ...baseConfig(), databaseUrl: undefined, dataDir })
  const env = (dataDir: string) => ({ DATABASE_URL: undefined, DATA_DIR: dataDir })
  const dirs: string[] = []
  const open: Database[] = []
  const dir = (tag: string) => { const d = tempDir(tag); dirs.push(d); return d }
  let srcDir: string
  let archive: string
  let atBackup: State
  let afterChange: Omit<State, 'attachments'>
  const files = { a: png(300), b: png(700), later: png(400) }
  const close = async (db: Database) => { await db.close(); open.splice(open.indexOf(db), 1) }

  before(async () => {
    srcDir = dir('src')
    const db = await openSeeded(embedded(srcDir))
    open.push(db)
    const client = await clientOver(db, embedded(srcDir))
    const auth = await loginAs(client, 'command')
    await eventWithFiles(client, auth, 0, '备份测试 甲 two photos', [files.a, files.b])
    await eventWithFiles(client, auth, 1, '备份测试 乙 the same photo again', [files.a])
    const attachments = await attachmentState(client, auth)
    atBackup = { ...(await dbState(db.knex)), attachments }
    archive = path.join(dir('archive'), 'embedded.tar')

    // the server (this process) holds DATA_DIR: a backup is refused, in process and from the CLI
    const inProcess = await backupEmbedded(srcDir, archive).then(() => undefined, (e: unknown) => e)
    expect((inProcess as BackupError).code).to.equal('data_dir_locked')
    const locked = await cli('backup', ['--out', archive], env(srcDir))
    expect(locked.code).to.equal(1)
    expect(locked.stderr).to.contain(`is in use by gridgov (pid ${process.pid}`)
    expect(fs.existsSync(archive)).to.equal(false)

    await close(db)
    const run = await cli('backup', ['--out', archive], env(srcDir))
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.contain('engine embedded')

    // after the backup: the server again, one event and file added, one attachment row deleted
    const again = await openDatabase(embedded(srcDir))
    open.push(again)
    const client2 = await clientOver(again, embedded(srcDir))
    await eventWithFiles(client2, await loginAs(client2, 'command'), 2, '备份之后 丙 added after the backup', [files.later])
    const [first] = await again.knex('event_attachment').orderBy('id').limit(1).pluck('id')
    expect(await again.knex('event_attachment').where({ id: first }).del()).to.equal(1)
    afterChange = await dbState(again.knex)
    await close(again)
  })

  after(async () => {
    for (const db of open) await db.close().catch(() => undefined)
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  it('the changes after the backup are visible in the source (positive control)', () => {
    expect(afterChange.events.length).to.equal(atBackup.events.length + 1)
    expect(afterChange.tables['public.event']).to.equal(atBackup.tables['public.event']! + 1)
    expect(Object.values(atBackup.attachments)).to.have.members([sha(files.a), sha(files.b), sha(files.a)])
  })

  it('restores into a fresh data directory exactly the state at backup time (tables, events, attachment bytes)', async () => {
    const dataDir = dir('dst')
    const run = await cli('restore', [archive], env(dataDir))
    expect(run.code, run.stderr).to.equal(0)
    expect(run.stdout).to.contain('restore complete')
    expect(fs.existsSync(path.join(dataDir, 'gridgov.lock'))).to.equal(false)
    const db = await openDatabase(embedded(dataDir))
    open.push(db)
    const restored = await dbState(db.knex)
    expect(restored.tables).to.deep.equal(atBackup.tables)
    expect(restored.events).to.deep.equal(atBackup.events)
    const client = await clientOver(db, embedded(dataDir))
    expect(await attachmentState(client, await loginAs(client, 'command'))).to.deep.equal(atBackup.attachments)
    await close(db)
  })

  it('refuses an archive with any one byte changed, before touching the data directory', async () => {
    const dataDir = dir('flip')
    const scratch = dir('flips')
    for (const at of flipPositions(archive, 1)) {
      const err = await restoreEmbedded(dataDir, flipped(archive, at, scratch)).then(() => undefined, (e: unknown) => e)
      expect(err, `byte ${at}`).to.be.instanceOf(BackupError)
      expect((err as BackupError).code, `byte ${at}: ${(err as Error).message}`).to.equal('archive_corrupt')
      fs.rmSync(path.join(scratch, `flipped-${at}.tar`))
      expect(fs.readdirSync(dataDir), `byte ${at}`).to.deep.equal([])
    }
  })

  it('refuses a restore over a data directory that holds a database, even with --force while the server runs', async () => {
    const run = await cli('restore', [archive], env(srcDir))
    expect(run.code).to.equal(1)
    expect(run.stderr).to.contain('already holds an embedded database')
    const db = await openDatabase(embedded(srcDir))
    open.push(db)
    expect(await dbState(db.knex)).to.deep.equal(afterChange)
    // and while the server runs there, even --force is refused by the lock
    const forced = await restoreEmbedded(srcDir, archive, { force: true }).then(() => undefined, (e: unknown) => e)
    expect((forced as BackupError).code).to.equal('data_dir_locked')
    expect(await dbState(db.knex)).to.deep.equal(afterChange)
    await close(db)
  })
})
