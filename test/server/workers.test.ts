// Several HTTP workers on one port (WORKERS, server/http/workers.ts) through the real entry point:
// both workers answer, a token signed in on one is good on the other, a worker killed is replaced
// while the other serves, and SIGTERM stops the primary and every worker. Needs an external
// PostgreSQL (the embedded database belongs to one process): skipped without DATABASE_URL.
import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, ConfigError } from '../../server/config.ts'
import { openOwnContext } from '../support/ownDatabase.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'
import { until } from '../support/wait.ts'

interface LogLine { msg: string; worker?: number; pid?: number; port?: number }

/** One request on its own connection (no keep-alive), so the primary hands each to a worker in turn. */
function request(port: number, method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('several HTTP workers (WORKERS)', function () {
  this.timeout(180_000)

  it('is refused without an external database, and named when malformed; auto is one per CPU', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env)
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError)
        return (err as ConfigError).problems.join('\n')
      }
      throw new Error('accepted')
    }
    expect(refused({ WORKERS: '2' })).to.include('WORKERS=2: more than one worker needs DATABASE_URL')
    expect(refused({ WORKERS: '0' })).to.include('WORKERS')
    expect(refused({ WORKERS: 'many' })).to.include('WORKERS')
    expect(loadConfig({}).workers).to.equal(1)
    expect(loadConfig({ WORKERS: 'auto', DATABASE_URL: 'postgres://x@localhost/y' }).workers).to.equal(os.availableParallelism())
  })

  describe('two workers over one database', () => {
    let own: Awaited<ReturnType<typeof openOwnContext>> | undefined
    let primary: ChildProcess | undefined
    const lines: LogLine[] = []
    let dataDir = ''

    before(async function () {
      own = await openOwnContext('workers')
      const url = own.context.config.databaseUrl
      if (!url) this.skip() // the embedded database belongs to one process
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-workers-'))
      const { PATH, HOME } = process.env
      primary = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { PATH: PATH ?? '', HOME: HOME ?? '', DATABASE_URL: url, WORKERS: '2', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SEED_DEMO: 'false', DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let rest = ''
      primary.stdout!.on('data', (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8')
        const parts = text.split('\n')
        rest = parts.pop()!
        for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as LogLine)
      })
      expect(await until(() => lines.filter((l) => l.msg.startsWith('gridgov listening')).length >= 2, 120_000), 'two workers listening').to.equal(true)
    })

    after(async () => {
      if (primary && primary.exitCode === null) primary.kill('SIGKILL')
      await own?.close()
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    })

    const listening = () => lines.filter((l) => l.msg.startsWith('gridgov listening'))
    const port = () => listening()[0]!.port!

    it('both workers answer on one port, and a token from one is good on the other', async () => {
      const [a, b] = listening()
      expect(a!.port).to.be.a('number').and.equal(b!.port)
      expect(new Set(listening().map((l) => l.worker))).to.deep.equal(new Set([1, 2]))
      const login = await request(port(), 'POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username: 'command', password: DEMO_PASSWORD }))
      expect(login.status).to.equal(200)
      const token = (JSON.parse(login.body) as { token: string }).token
      const before = lines.length
      for (let i = 0; i < 8; i++) {
        const me = await request(port(), 'GET', '/api/v1/auth/me', { authorization: `Bearer ${token}` })
        expect(me.status).to.equal(200)
        expect((JSON.parse(me.body) as { username: string }).username).to.equal('command')
      }
      expect(await until(() => lines.slice(before).filter((l) => l.msg === 'request').length >= 8)).to.equal(true)
      const servedBy = new Set(lines.slice(before).filter((l) => l.msg === 'request').map((l) => l.worker))
      expect(servedBy).to.deep.equal(new Set([1, 2]))
    })

    it('a worker killed is replaced while the other serves', async () => {
      const victim = listening()[1]!.pid!
      process.kill(victim, 'SIGKILL')
      // once the primary has seen the death, the other worker takes every connection
      expect(await until(() => lines.some((l) => l.msg === 'a worker died: starting another'), 60_000), 'the death seen').to.equal(true)
      expect((await request(port(), 'GET', '/api/v1/openapi.json')).status).to.equal(200)
      expect(await until(() => listening().length >= 3, 120_000), 'a replacement listening').to.equal(true)
      const replacement = listening()[2]!
      expect(replacement.worker).to.equal(3)
      expect(alive(victim)).to.equal(false)
      for (let i = 0; i < 4; i++) expect((await request(port(), 'GET', '/api/v1/openapi.json')).status).to.equal(200)
    })

    it('SIGTERM stops the primary and every worker, exit code 0', async () => {
      const pids = listening().map((l) => l.pid!).filter(alive)
      expect(pids).to.have.length(2)
      const exited = new Promise<number | null>((resolve) => primary!.once('exit', (code) => resolve(code)))
      primary!.kill('SIGTERM')
      expect(await exited).to.equal(0)
      expect(pids.filter(alive)).to.deep.equal([])
      expect(lines.filter((l) => l.msg === 'stopped')).to.have.length(3)
    })
  })
})
