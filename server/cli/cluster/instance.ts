// One gridgov API instance as a child process on a loopback port: `server/main.ts` (what
// `npm start` runs) or another entry point of the same shape (the cluster tests' fast-loop child).
// Used by `npm run cluster:demo`, the cluster tests and the load bench.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface InstanceOptions {
  /** a label for messages ("a", "b") */
  name: string
  port: number
  databaseUrl: string
  /** the secret that signs tokens: the same for every instance, so a token from one works on all */
  authSecret: string
  /** entry point, relative to the project (default server/main.ts) */
  entry?: string
  /** more environment (DATABASE_READ_URL, LOG_LEVEL, …) */
  env?: Record<string, string>
  /** write the log lines to this stream as well (the demo shows them) */
  echo?: NodeJS.WritableStream
  /** keep only the error lines (a load bench: the others would only fill memory) */
  errorsOnly?: boolean
}

export interface Instance {
  name: string
  origin: string
  port: number
  pid: number
  /** every JSON log line so far, parsed (non-JSON lines are kept as { msg }) */
  logs: Record<string, unknown>[]
  /** SIGKILL: a crash, nothing is finished or closed */
  kill(): Promise<void>
  /** SIGTERM: the graceful stop of `npm start` */
  stop(): Promise<void>
  readonly exited: boolean
}

/** Starts an instance and waits until /health answers 200 (at most `readyMs`). */
export async function startInstance(opts: InstanceOptions, readyMs = 240_000): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `gridgov-instance-${opts.name}-`))
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, opts.entry ?? 'server/main.ts')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // behind nginx (TRUST_PROXY); the demo city is loaded by one instance only (SEED_DEMO)
      ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', SEED_DEMO: 'false', TRUST_PROXY: 'true', ...opts.env,
      PORT: String(opts.port), HOST: '127.0.0.1', DATABASE_URL: opts.databaseUrl, AUTH_SECRET: opts.authSecret, DATA_DIR: dataDir,
    },
  })
  const logs: Record<string, unknown>[] = []
  let stderr = ''
  let pending = ''
  child.stdout!.setEncoding('utf8')
  child.stdout!.on('data', (chunk: string) => {
    opts.echo?.write(chunk)
    pending += chunk
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.trim() || (opts.errorsOnly && !/"level":[56]0/.test(line))) continue
      try { logs.push(JSON.parse(line) as Record<string, unknown>) } catch { logs.push({ msg: line }) }
    }
  })
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (c: string) => { stderr = (stderr + c).slice(-8000); opts.echo?.write(c) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const cleanup = () => { if (!gone()) child.kill('SIGKILL') }
  process.once('exit', cleanup)
  const finish = async (signal: NodeJS.Signals) => {
    process.removeListener('exit', cleanup)
    if (!gone()) child.kill(signal)
    await exited
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const origin = `http://127.0.0.1:${opts.port}`
  try {
    await waitReady(origin, child, readyMs, () => `${stderr}${logs.slice(-5).map((l) => JSON.stringify(l).slice(0, 500)).join('\n')}`)
  } catch (err) {
    await finish('SIGKILL')
    throw err
  }
  return {
    name: opts.name, origin, port: opts.port, pid: child.pid!, logs,
    kill: () => finish('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await finish('SIGTERM')
      clearTimeout(timer)
    },
    get exited() { return gone() },
  }
}

async function waitReady(origin: string, child: ChildProcess, ms: number, stderr: () => string): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance exited at start (${child.exitCode ?? child.signalCode}): ${stderr().trim()}`)
    try {
      const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`instance at ${origin} not ready within ${ms} ms: ${stderr().trim()}`)
}
