// The 双随机 draw (random objects, random officers), pure and reproducible: anyone holding the
// recorded seed, the recorded candidates and the recorded officer pool re-runs it and gets the
// same draw (GET /api/v1/enforcement/spot-checks/{id}/verify does exactly that).
//
// Algorithm "sha256-fy-v1", written so that it can be re-implemented in any language:
// 1. The random stream: block b (b = 0, 1, 2 …) is SHA-256 of the UTF-8 text `${seed}:${b}`; its
//    32 bytes are eight unsigned 32-bit big-endian words, used in order, then the next block.
// 2. uniform(m), an integer in [0, m): take the next word r; if r >= 2^32 - (2^32 mod m) reject
//    it and take the next (no modulo bias); else answer r mod m.
// 3. Objects: the candidates sorted by id ascending (a[0..n)); for i = 0 … k-1: j = i +
//    uniform(n - i), swap a[i] and a[j]. The draw is a[0..k) in that order (a partial
//    Fisher-Yates shuffle: every k-subset, in every order, equally likely).
// 4. Officers, object by object in draw order, continuing the same stream: the pool (active
//    officers of the plan's teams, sorted by id) less those with a conflict (回避) with that
//    object; the same partial shuffle picks `perObject` of them.
import { createHash } from 'node:crypto'

export const DRAW_ALGORITHM = 'sha256-fy-v1'
/** The law's minimum: an inspection is done by at least two officers (行政处罚法 第四十二条). */
export const MIN_OFFICERS = 2

/** The stream of 32-bit words of a seed. */
export class SeedStream {
  private block = 0
  private words: number[] = []
  constructor(readonly seed: string) {}

  next(): number {
    if (this.words.length === 0) {
      const digest = createHash('sha256').update(`${this.seed}:${this.block++}`, 'utf8').digest()
      for (let i = 0; i < 32; i += 4) this.words.push(digest.readUInt32BE(i))
    }
    return this.words.shift()!
  }

  /** An unbiased integer in [0, m) by rejection. */
  uniform(m: number): number {
    if (!Number.isInteger(m) || m < 1 || m > 2 ** 32) throw new RangeError(`uniform(${m})`)
    const limit = 2 ** 32 - (2 ** 32 % m)
    for (;;) {
      const r = this.next()
      if (r < limit) return r % m
    }
  }
}

/** k items of `sorted` (ascending ids) by a partial Fisher-Yates shuffle, in draw order. */
export function pick(stream: SeedStream, sorted: readonly number[], k: number): number[] {
  const a = [...sorted]
  const n = Math.min(k, a.length)
  for (let i = 0; i < n; i++) {
    const j = i + stream.uniform(a.length - i)
    const t = a[i]!
    a[i] = a[j]!
    a[j] = t
  }
  return a.slice(0, n)
}

/** A conflict of interest (回避): this officer never checks this object. */
export interface Conflict { officerId: number; objectId: number }

export interface DrawInput {
  seed: string
  /** candidate object ids (any order: sorted here) */
  candidates: readonly number[]
  objectCount: number
  /** active officer ids of the plan's teams (any order: sorted here) */
  officerPool: readonly number[]
  officersPerObject: number
  conflicts: readonly Conflict[]
}

export interface DrawnCheck { objectId: number; officerIds: number[] }

/** Why a draw cannot be made: too few officers left for an object after its conflicts. */
export class DrawShortage extends Error {
  override name = 'DrawShortage'
  constructor(readonly objectId: number, readonly eligible: number, readonly needed: number) {
    super(`object ${objectId}: ${eligible} eligible officers, ${needed} needed`)
  }
}

const ascending = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b)

/** The whole draw: objects, then officers per object, from one stream. */
export function draw(input: DrawInput): DrawnCheck[] {
  if (input.officersPerObject < MIN_OFFICERS) throw new RangeError(`at least ${MIN_OFFICERS} officers per object`)
  const stream = new SeedStream(input.seed)
  const objects = pick(stream, ascending(input.candidates), input.objectCount)
  const pool = ascending(input.officerPool)
  const barred = new Map<number, Set<number>>()
  for (const c of input.conflicts) {
    let s = barred.get(c.objectId)
    if (!s) barred.set(c.objectId, s = new Set())
    s.add(c.officerId)
  }
  return objects.map((objectId) => {
    const out = barred.get(objectId)
    const eligible = out ? pool.filter((o) => !out.has(o)) : pool
    if (eligible.length < input.officersPerObject) throw new DrawShortage(objectId, eligible.length, input.officersPerObject)
    return { objectId, officerIds: pick(stream, eligible, input.officersPerObject) }
  })
}
