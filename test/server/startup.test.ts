// Start-up failures through the real entry point (server/main.ts as a child process):
// each gives a clear message and a non-zero exit code, and damages nothing.
import { expect } from 'chai'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, DatabaseUnavailableError } from '../../server/db/index.ts'
import { startEmbedded } from '../../server/db/embedded.ts'
import { loadConfig } from '../../server/config.ts'

function runMain(env: Record<string, string>, timeoutMs = 60_000): { code: number | null; stderr: string } {
  const { PATH, HOME } = process.env
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: PATH ?? '', HOME: HOME ?? '', LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: timeoutMs,
  })
  return { code: r.status, stderr: r.stderr }
}

describe('start-up failures', () => {
  it('a malformed environment value stops the service naming the key (exit 2)', () => {
    const r = runMain({ PORT: 'http', LOG_LEVEL: 'chatty' })
    expect(r.code).to.equal(2)
    expect(r.stderr).to.include('PORT="http"').and.include('LOG_LEVEL="chatty"')
  })

  it('an unreachable database is retried with back-off, then named in a clear message (exit 1)', () => {
    const r = runMain({ DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/gridgov', DB_CONNECT_RETRIES: '2' })
    expect(r.code).to.equal(1)
    expect(r.stderr).to.match(/cannot reach the database at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/gridgov after 3 attempt\(s\)/)
    expect(r.stderr).not.to.include('secret')
  })

  it('openDatabase gives up after the configured retries', async () => {
    const config = { ...loadConfig({}), databaseUrl: 'postgres://u@127.0.0.1:1/x', dbConnectRetries: 1 }
    const err = await openDatabase(config).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(DatabaseUnavailableError)
    // it gives up (the promise settles) after exactly the first try and the one retry configured;
    // no wall-clock bound: the attempts are counted, not timed
    expect((err as Error).message).to.include('after 2 attempt(s)')
    expect(((err as Error).cause as Error | undefined)?.message ?? '').to.match(/ECONNREFUSED|connect/i)
  })

  describe('a data directory held by a running service', () => {
    let dir: string
    let holder: ReturnType<typeof spawn>
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-lock-'))
      holder = spawn('sleep', ['60'])
      fs.writeFileSync(path.join(dir, 'gridgov.lock'), String(holder.pid))
      fs.mkdirSync(path.join(dir, 'pgdata'))
      fs.writeFileSync(path.join(dir, 'pgdata', 'sentinel'), 'untouched')
    })
    afterEach(() => {
      holder.kill()
      fs.rmSync(dir, { recursive: true, force: true })
    })

    it('refuses a second embedded start and leaves the data alone', async () => {
      const err = await startEmbedded(dir).catch((e: unknown) => e)
      expect((err as Error).message).to.include(`in use by another gridgov process (pid ${holder.pid})`)
      expect(fs.readFileSync(path.join(dir, 'pgdata', 'sentinel'), 'utf8')).to.equal('untouched')
      expect(fs.readFileSync(path.join(dir, 'gridgov.lock'), 'utf8')).to.equal(String(holder.pid))
    })

    it('npm start on it exits 1 with the message', () => {
      const r = runMain({ DATA_DIR: dir, PORT: '0' })
      expect(r.code).to.equal(1)
      expect(r.stderr).to.include('is in use by another gridgov process')
    })
  })
})
