// An independent implementation of the documented draw (server/enforcement/draw.ts's header),
// written differently on purpose: words from hex text, the rejection limit by BigInt, a
// sparse-map Fisher-Yates. The tests compare the service's draws with it.
import { createHash } from 'node:crypto'

/** An independent reference: words from hex text, threshold by BigInt, a sparse-map Fisher-Yates. */
export function referenceDraw(seed: string, candidates: number[], k: number, pool: number[], per: number, conflicts: [number, number][]) {
  let block = 0
  let queue: number[] = []
  const word = () => {
    if (!queue.length) {
      const h = createHash('sha256').update(Buffer.from(`${seed}:${block++}`, 'utf8')).digest('hex')
      queue = Array.from({ length: 8 }, (_, i) => parseInt(h.slice(i * 8, i * 8 + 8), 16))
    }
    return queue.shift()!
  }
  const below = (m: number) => {
    const limit = (1n << 32n) - ((1n << 32n) % BigInt(m))
    for (;;) {
      const r = BigInt(word())
      if (r < limit) return Number(r % BigInt(m))
    }
  }
  const choose = (items: number[], n: number) => {
    const sparse = new Map<number, number>()
    const at = (i: number) => sparse.get(i) ?? items[i]!
    const out: number[] = []
    for (let i = 0; i < Math.min(n, items.length); i++) {
      const j = i + below(items.length - i)
      const vi = at(i)
      const vj = at(j)
      sparse.set(i, vj)
      sparse.set(j, vi)
      out.push(vj)
    }
    return out
  }
  const sortedUnique = (xs: number[]) => Array.from(new Set(xs)).sort((a, b) => a - b)
  const objects = choose(sortedUnique(candidates), k)
  const p = sortedUnique(pool)
  return objects.map((o) => ({ objectId: o, officerIds: choose(p.filter((x) => !conflicts.some(([off, obj]) => off === x && obj === o)), per) }))
}

