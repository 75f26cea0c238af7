// Knowledge search over 100,000 articles (issue 15 Speed): the knowledge base's search (jieba
// words + synonym groups, a GIN-indexed tsvector, ts_rank_cd; the code path of GET
// /api/v1/knowledge, segmentation included) against a LIKE scan over title and body for the
// question's words (ranked by how many words an article contains: the strongest LIKE search),
// on the 44 questions of knowledgeQuestions.ts, each written differently from its target article.
// Reported: p50 of each (interleaved question by question), and recall@10 of each (the target
// among the first ten). Also the recall of a LIKE of the whole question (what a plain search box
// does). Target: p50 ≤ 1/10 of the LIKE scan, and better recall.
//
// The articles are written into the bench database under a city code of their own (BENCH_CITY)
// and deleted afterwards (also a leftover of an interrupted run, first).
import type { Knex } from 'knex'
import type { BenchResult } from './harness.ts'
import { benchDatabase, median, timed } from './support.ts'
import { sqlFile } from '../../server/db/sql.ts'
import { listArticles, synonyms, type Scope } from '../../server/knowledge/articles.ts'
import { plainText, searchWords, segmenter, vectorOf } from '../../server/knowledge/text.ts'
import { KINDS } from '../../fixtures/services/knowledge.ts'
import { PLACES, TOPICS } from '../../fixtures/services/knowledgeTopics.ts'
import { TARGETS } from './knowledgeQuestions.ts'

export const BENCH_CITY = '999901'
const ARTICLES = Number(process.env.BENCH_KNOWLEDGE_ARTICLES ?? 100_000)
const BATCH = 5_000
const ROUNDS = 1

/** Sentences that vary the generated bodies. */
const FILLERS = ['请各网格员加强日常巡查', '处置结果应在平台及时反馈', '群众满意度纳入月度考核', '节假日期间实行值班制度', '重点时段增加巡查频次',
  '发现问题及时拍照上报', '街道每月通报处置情况', '社区做好宣传引导工作', '对反复发生的点位建立台账', '相关单位按职责分工落实']

interface Row { title: string; summary: string; body_html: string; body_text: string; category: string; tags: string[]; search: string }

function generated(i: number, words: Map<string, string[]>): Row {
  const t = TOPICS[i % TOPICS.length]!
  const k = KINDS[Math.floor(i / TOPICS.length) % KINDS.length]!
  const place = PLACES[Math.floor(i / (TOPICS.length * KINDS.length)) % PLACES.length]!
  const filler = FILLERS[i % FILLERS.length]!
  const title = `${place}${k.title(t)}（${1 + Math.floor(i / 5000)}）`
  const html = `<p>${place}：${filler}。</p>${k.body(t)}`
  const cached = (key: string, text: string) => {
    let w = words.get(key)
    if (!w) words.set(key, w = searchWords(text))
    return w
  }
  const body = [...cached(`p${place}${filler}`, `${place}：${filler}`), ...cached(`b${i % (TOPICS.length * KINDS.length)}`, plainText(k.body(t)))]
  return {
    title, summary: t.facts[0]!, body_html: html, body_text: plainText(html), category: t.category, tags: [t.name],
    search: vectorOf(cached(`t${title.replace(/（\d+）$/, '')}`, title), cached(`g${t.name}`, t.name), body),
  }
}

async function insertRows(knex: Knex, rows: Row[]): Promise<number[]> {
  const { rows: ids } = await knex.raw(`
    INSERT INTO knowledge_article (city_code, title, summary, body_html, body_text, category, tags, visibility, status, search, author_name, published_at)
    SELECT ?, x.title, x.summary, x.body_html, x.body_text, x.category, x.tags, 'public', 'published', CAST(x.search AS tsvector), 'bench', now()
    FROM json_to_recordset(CAST(? AS json)) AS x(title text, summary text, body_html text, body_text text, category text, tags text[], search text)
    RETURNING id`, [BENCH_CITY, JSON.stringify(rows)]) as { rows: { id: string }[] }
  return ids.map((r) => Number(r.id))
}

export async function load(knex: Knex): Promise<number[]> {
  await synonyms(knex)
  // the generated places stand in for the city's gazetteer (in a deployment: its division and road names)
  segmenter(PLACES)
  const words = new Map<string, string[]>()
  const targetIds: number[] = []
  // the targets are spread through the load, not all first or last
  const at = new Map(TARGETS.map((t, n) => [Math.floor(((n + 0.5) * (ARTICLES - TARGETS.length)) / TARGETS.length), t]))
  let batch: Row[] = []
  let targetsInBatch: number[] = []
  const flush = async () => {
    const ids = await insertRows(knex, batch)
    for (const pos of targetsInBatch) targetIds.push(ids[pos]!)
    batch = []
    targetsInBatch = []
  }
  for (let i = 0; i < ARTICLES - TARGETS.length; i++) {
    const t = at.get(i)
    if (t) {
      targetsInBatch.push(batch.length)
      const text = plainText(`<p>${t.body}</p>`)
      batch.push({ title: t.title, summary: t.body.slice(0, 40), body_html: `<p>${t.body}</p>`, body_text: text, category: '其他', tags: [], search: vectorOf(searchWords(t.title), [], searchWords(text)) })
    }
    batch.push(generated(i, words))
    if (batch.length >= BATCH) await flush()
  }
  if (batch.length) await flush()
  // what autovacuum does after a bulk load: the GIN pending list merged, the lexeme statistics taken
  await knex.raw('VACUUM ANALYZE knowledge_article')
  return targetIds
}

const likeOf = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export async function benchKnowledge(results: BenchResult[]): Promise<void> {
  const { knex } = await benchDatabase('knowledge')
  try {
    await knex('knowledge_article').where({ city_code: BENCH_CITY }).delete()
    const started = Date.now()
    const targets = await load(knex)
    process.stderr.write(`bench knowledge: ${ARTICLES} articles written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    const scope: Scope = { public: false, all: true, user: null, city: BENCH_CITY }
    const fts: number[] = [], like: number[] = []
    let ftsHits = 0, likeHits = 0, wholeHits = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const [n, t] of TARGETS.entries()) {
        const target = targets[n]!
        let ftsIds: number[] = [], likeIds: number[] = []
        like.push(await timed(async () => {
          const patterns = [...new Set(searchWords(t.question))].map(likeOf)
          const { rows } = await knex.raw(sqlFile('knowledge/like_search'), { likes: patterns, city: BENCH_CITY, limit: 10 }) as { rows: { id: string }[] }
          likeIds = rows.map((r) => Number(r.id))
        }))
        fts.push(await timed(async () => {
          ftsIds = (await listArticles(knex, scope, { q: t.question, limit: 10 })).items.map((i) => i.id)
        }))
        if (round === 0) {
          if (ftsIds.includes(target)) ftsHits++
          if (likeIds.includes(target)) likeHits++
          const { rows } = await knex.raw('SELECT id FROM knowledge_article WHERE city_code = ? AND (title LIKE ? OR body_text LIKE ?) LIMIT 10',
            [BENCH_CITY, likeOf(t.question), likeOf(t.question)]) as { rows: { id: string }[] }
          if (rows.some((r) => Number(r.id) === target)) wholeHits++
        }
      }
    }
    const b = median(like) * 1000, s = median(fts) * 1000 // ms
    const q = TARGETS.length
    results.push({
      name: `knowledge search p50, ${ARTICLES.toLocaleString('en')} articles, ${q} questions`, baseline: 'LIKE scan of the words', subject: 'jieba+synonyms tsvector',
      metric: 'p50', baselineValue: b, subjectValue: s, ratio: b / s, target: '≥ 10×', met: b / s >= 10,
    })
    results.push({
      name: `knowledge recall@10, ${q} reworded questions`, baseline: 'LIKE scan of the words', subject: 'jieba+synonyms tsvector',
      metric: 'mean', baselineValue: likeHits / q, subjectValue: ftsHits / q, ratio: likeHits === 0 ? Infinity : ftsHits / likeHits, target: 'better',
      met: ftsHits > likeHits, note: `hits: search ${ftsHits}/${q}, LIKE of the words ${likeHits}/${q}, LIKE of the whole question ${wholeHits}/${q}`,
    })
    process.stderr.write(`bench knowledge: recall@10 search ${ftsHits}/${q}, LIKE words ${likeHits}/${q}, LIKE whole question ${wholeHits}/${q}; p50 ${s.toFixed(1)} ms vs ${b.toFixed(1)} ms\n`)
  } finally {
    await knex('knowledge_article').where({ city_code: BENCH_CITY }).delete()
    await knex.destroy()
  }
}
