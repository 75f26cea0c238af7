// Text similarity for duplicate detection: the Dice coefficient of character bigrams. Chinese
// has no spaces, so words are not available without a segmenter; character bigrams capture
// most shared terms ("垃圾", "井盖") and need no dictionary. Runs in Node because PGlite has
// no pg_trgm, and only on the handful of candidates the database pre-selects by place and time.

/** Letters, digits and CJK characters only, lower-cased. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')
}

function bigrams(text: string): Map<string, number> {
  const chars = [...normalise(text)]
  const grams = new Map<string, number>()
  if (chars.length === 1) grams.set(chars[0]!, 1)
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!
    grams.set(g, (grams.get(g) ?? 0) + 1)
  }
  return grams
}

/** A text prepared once for comparing with many others (intake scores every duplicate candidate). */
export class BigramProfile {
  readonly grams: Map<string, number>
  readonly total: number
  constructor(text: string) {
    this.grams = bigrams(text)
    let total = 0
    for (const n of this.grams.values()) total += n
    this.total = total
  }

  /** 0 (nothing shared) … 1 (same text up to punctuation, spacing and case). */
  similarity(other: BigramProfile): number {
    const total = this.total + other.total
    if (total === 0) return 0
    let shared = 0
    for (const [g, n] of this.grams) shared += Math.min(n, other.grams.get(g) ?? 0)
    return (2 * shared) / total
  }
}

/** 0 (nothing shared) … 1 (same text up to punctuation, spacing and case). */
export function textSimilarity(a: string, b: string): number {
  return new BigramProfile(a).similarity(new BigramProfile(b))
}
