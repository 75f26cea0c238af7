// String similarity for Chinese place names: edit distance over code points (a Han character
// is one edit, not three UTF-8 bytes), with adjacent transpositions counted as one edit
// (设建路 for 建设路), and names compared by their core, the suffix counted apart (建设街 ~ 建设路).
import { nameCore } from './normalize.ts'

/** Optimal-string-alignment distance (Levenshtein + adjacent transposition), over code points. */
export function editDistance(a: string, b: string): number {
  const s = [...a]
  const t = [...b]
  if (s.length === 0) return t.length
  if (t.length === 0) return s.length
  // Three rolling rows: the transposition looks two rows back.
  let prev2: number[] = []
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const cur = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      cur.push(d)
    }
    prev2 = prev
    prev = cur
  }
  return prev[t.length]!
}

/** 1 − distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
  const longer = Math.max([...a].length, [...b].length)
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer
}

export type NameKind = 'city' | 'district' | 'street' | 'community' | 'road' | 'estate'

/**
 * How well a typed name fits a standard one, 0..1, compared by their cores (the name without
 * its level suffix), so a shared suffix proves nothing (绿荫社区 vs 和湖社区 share nothing that
 * matters). A different or missing suffix costs 10 %: a suffix variant (朝阳镇 for 朝阳街道,
 * 建设街 for 建设路, 朝阳 for 朝阳街道) scores 0.9, below the exact name, so that a city with
 * both 建设路 and 建设街 still tells them apart.
 */
export function nameSimilarity(typed: string, standard: string, kind: NameKind): number {
  if (typed === standard) return 1
  const typedCore = nameCore(typed, kind)
  const standardCore = nameCore(standard, kind)
  const sameSuffix = typed.slice(typedCore.length) === standard.slice(standardCore.length)
  return similarity(typedCore, standardCore) * (sameSuffix ? 1 : 0.9)
}
