// CPU seconds of process groups from /proc/<pid>/stat (utime + stime), read before and after a
// round: the per-request CPU of a server's processes and of PostgreSQL. PostgreSQL's figure sums
// every postgres process plus the postmaster's reaped children (cutime + cstime), so parallel
// workers and backends that exit during the round are counted too; it is machine-wide, exact on
// a quiet machine and inflated by other sessions' queries on a busy one.
import fs from 'node:fs'

const TICKS_PER_SECOND = 100 // CLK_TCK on Linux

interface Stat { comm: string; ppid: number; utime: number; stime: number; cutime: number; cstime: number }

function stat(pid: number | string): Stat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const close = text.lastIndexOf(')')
    const comm = text.slice(text.indexOf('(') + 1, close)
    const f = text.slice(close + 2).split(' ')
    // fields after the comm: state ppid … utime(14) stime(15) cutime(16) cstime(17), 1-based overall
    return { comm, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) }
  } catch {
    return undefined
  }
}

/** CPU seconds used so far by these processes (their own threads, not children). */
export function processCpu(pids: readonly number[]): number {
  let ticks = 0
  for (const pid of pids) {
    const s = stat(pid)
    if (s) ticks += s.utime + s.stime
  }
  return ticks / TICKS_PER_SECOND
}

/** The process and its children (the HTTP workers of a primary, WORKERS > 1). */
export function withChildren(pid: number): number[] {
  const out = [pid]
  for (const d of fs.readdirSync('/proc')) {
    if (/^\d+$/.test(d) && stat(d)?.ppid === pid) out.push(Number(d))
  }
  return out
}

/** CPU seconds of every postgres process plus what the postmaster reaped from exited children. */
export function postgresCpu(): number {
  let ticks = 0
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    const s = stat(d)
    if (!s || (s.comm !== 'postgres' && !s.comm.startsWith('postgres'))) continue
    ticks += s.utime + s.stime
    const parent = stat(s.ppid)
    // the postmaster: a postgres process whose parent is not one
    if (!parent || !parent.comm.startsWith('postgres')) ticks += s.cutime + s.cstime
  }
  return ticks / TICKS_PER_SECOND
}

export interface CpuSample { server: number; postgres: number }

export const sampleCpu = (serverPids: readonly number[]): CpuSample => ({ server: processCpu(serverPids), postgres: postgresCpu() })
