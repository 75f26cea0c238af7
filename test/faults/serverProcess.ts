// The real server (`node --import tsx server/main.ts`, as `npm start` runs it) in a child
// process on a fixed loopback port, for the fault tests: started, killed with SIGKILL (no
// shutdown code runs), or stopped with SIGTERM (the graceful path), and started again on the
// same database and port.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** A free loopback port (asked of the kernel, then released for the server to take). */
export async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((resolve) => s.close(resolve))
  return port
}

export interface ServerProcess {
  origin: string
  pid: number
  /** SIGKILL: the process ends at once, mid-request, mid-transaction */
  kill9(): Promise<void>
  /** SIGTERM: the graceful shutdown */
  stop(): Promise<void>
}

/**
 * Starts the server with `env` (on top of a minimal environment: nothing of this process's
 * DATABASE_URL leaks in unless given) and waits until /health answers 200.
 */
export async function startServer(port: number, env: Record<string, string>, readyWithinMs = 180_000): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'error', ...env },
  })
  let stderr = ''
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + readyWithinMs
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start (${child.exitCode ?? child.signalCode}): ${stderr}`)
    const ok = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status === 200, () => false)
    if (ok) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not become ready within ${readyWithinMs} ms: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return { origin, pid: child.pid!, kill9: () => end('SIGKILL'), stop: () => end('SIGTERM') }
}
