// A small seeded PRNG (mulberry32) so a fuzz run is reproducible from its printed seed.
export class Prng {
  private state: number
  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  /** a float in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }
}

/** The default seed: CI replays the same requests every run, so a red run is a regression. */
export const DEFAULT_SEED = 20261203

/** FUZZ_SEED (decimal), FUZZ_SEED=random for a fresh one, else DEFAULT_SEED; the caller prints it so any run can be replayed. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FUZZ_SEED
  if (raw === undefined || raw === '') return DEFAULT_SEED
  if (raw === 'random') return Math.floor(Math.random() * 0xffffffff) >>> 0
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > 0xffffffff) throw new Error(`FUZZ_SEED=${raw}: must be a whole number below 2^32, or random`)
  return Number(raw)
}
