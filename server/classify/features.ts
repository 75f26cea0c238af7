// The features of a description: jieba words (with the governance terms and class names as user
// words, so 暴露垃圾 or 井盖 stay one term) and the characters and character bigrams of its
// Chinese runs (the usual 1-2 gram features of Chinese text classification). Characters and
// bigrams carry a paraphrase the segmenter splits differently (垃圾桶满了 / 垃圾满溢) and words the
// dictionary lacks (烧/火, 堵/塞); words carry the terms whole.
import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { GOVERNANCE_TERMS, STOP_WORDS } from '../analytics/hotWordLexicon.ts'

let segmenter: Jieba | undefined
const userWords = new Set<string>()

/** The segmenter, loaded once, with every user word seen so far added. */
export function segmenterWith(words: readonly string[] = []): Jieba {
  if (!segmenter) {
    segmenter = Jieba.withDict(dict)
    words = [...GOVERNANCE_TERMS, ...words]
  }
  // a dictionary line is "word freq tag": a word with white space in it cannot be one
  const fresh = [...new Set(words)].filter((w) => !userWords.has(w) && [...w].length > 1 && !/\s/.test(w))
  if (fresh.length > 0) {
    segmenter.loadDict(Buffer.from(fresh.map((w) => `${w} 2000 n\n`).join('')))
    for (const w of fresh) userWords.add(w)
  }
  return segmenter
}

const HAN = /\p{Script=Han}+/gu
const LETTER = /[\p{L}\p{N}]/u

/** The distinct features of one text: `w:` words, `c:` characters and `b:` character bigrams. */
export function featuresOf(text: string): string[] {
  const t = text.normalize('NFKC').toLowerCase()
  const out = new Set<string>()
  for (const token of segmenterWith().cut(t, true)) {
    const w = token.trim()
    if (w && LETTER.test(w) && !STOP_WORDS.has(w) && !/^\d+$/.test(w)) out.add('w:' + w)
  }
  for (const run of t.match(HAN) ?? []) {
    const chars = [...run]
    for (let i = 0; i + 1 < chars.length; i++) out.add('b:' + chars[i] + chars[i + 1])
    for (const ch of chars) out.add('c:' + ch)
  }
  return [...out]
}
