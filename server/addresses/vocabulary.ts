// Fuzzy lookup of typed road and estate names in a city's vocabulary (what pg_trgm would do in
// the database, where PGlite cannot). A character inverted index keeps the exact similarity
// computation to the names that can reach the floor, and answers are memoised: the same typed
// names come back request after request.
import { nameCore } from './normalize.ts'
import { nameSimilarity, type NameKind } from './similarity.ts'

export interface SimilarName { name: string; sim: number }

const MEMO_LIMIT = 20_000

export class NameIndex {
  private readonly names: string[]
  private readonly coreLengths: number[]
  private readonly exact: Set<string>
  private readonly postings = new Map<string, number[]>()
  private readonly memo = new Map<string, string[]>()

  constructor(names: readonly string[], private readonly kind: NameKind & ('road' | 'estate')) {
    this.names = [...names]
    this.exact = new Set(names)
    this.coreLengths = this.names.map((name) => [...nameCore(name, kind)].length)
    this.names.forEach((name, i) => {
      for (const c of new Set(nameCore(name, kind))) {
        const list = this.postings.get(c)
        if (list) list.push(i)
        else this.postings.set(c, [i])
      }
    })
  }

  get size(): number {
    return this.names.length
  }

  /** Whether this index holds exactly these names (a reload that changed nothing keeps the memo). */
  sameNames(names: readonly string[]): boolean {
    return names.length === this.names.length && names.every((n) => this.exact.has(n))
  }

  /**
   * Up to `k` names at least `floor` similar to `typed`, best first. An exact name only keeps
   * close variants (≥ 0.85) beside it, not every name one typo away.
   */
  similar(typed: string, floor: number, k: number): string[] {
    const key = `${floor}\u0000${k}\u0000${typed}`
    let found = this.memo.get(key)
    if (!found) {
      found = this.search(typed, this.exact.has(typed) ? Math.max(floor, 0.85) : floor, k)
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear()
      this.memo.set(key, found)
    }
    return found
  }

  private search(typed: string, floor: number, k: number): string[] {
    const scored: SimilarName[] = []
    for (const i of this.candidates(typed, floor)) {
      const name = this.names[i]!
      const sim = nameSimilarity(typed, name, this.kind)
      if (sim >= floor) scored.push({ name, sim })
    }
    return scored.sort((a, b) => b.sim - a.sim || (a.name < b.name ? -1 : 1)).slice(0, k).map((s) => s.name)
  }

  /**
   * Names whose core shares enough distinct characters with the typed core to reach `floor`:
   * nameSimilarity is at most the cores' similarity, and a core similarity of f needs at least
   * f·(longer core) characters in common (a repeated typed character may count once, hence
   * the allowance for duplicates).
   */
  private candidates(typed: string, floor: number): number[] {
    const core = [...nameCore(typed, this.kind)]
    const distinct = new Set(core)
    const dupes = core.length - distinct.size
    const counts = new Map<number, number>()
    for (const c of distinct) {
      for (const i of this.postings.get(c) ?? []) counts.set(i, (counts.get(i) ?? 0) + 1)
    }
    const out: number[] = []
    for (const [i, n] of counts) {
      const longer = Math.max(core.length, this.coreLengths[i]!)
      if (n >= Math.max(1, Math.ceil(floor * longer) - dupes)) out.push(i)
    }
    return out
  }
}
