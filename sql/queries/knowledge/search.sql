-- Articles the caller may read, filtered and ordered. With a question: the candidates (query: at
-- least two of its concepts, see rank.ts) by the rarity weights of the concepts they hold (half
-- again in the title) plus a hundredth of ts_rank_cd (title words A, tags B, body D); else newest change first
-- with a keyset cursor. Expiry is applied here: a published article past expires_at reads as
-- 'expired' and is out of the shelf (state 'published') and out of every public answer.
-- Scope: everyone (public = true) sees published public articles only; staff see the shelf and
-- their own articles; reviewers (all = true) see every article of the city.
WITH q AS (SELECT CAST(:query AS tsquery) AS query),
hits AS (
  SELECT a.id, a.updated_at,
    CASE WHEN CAST(:query AS text) IS NULL THEN NULL ELSE
      (SELECT coalesce(sum(g.w * (CAST(a.search @@ g.q AS int) + 0.5 * CAST(a.search @@ g.t AS int))), 0)
       FROM unnest(CAST(:groups AS tsquery[]), CAST(:titles AS tsquery[]), CAST(:weights AS float8[])) AS g(q, t, w))
      + 0.01 * ts_rank_cd(a.search, q.query) END AS rank,
    CASE WHEN a.status = 'published' AND a.expires_at IS NOT NULL AND a.expires_at <= CAST(:now AS timestamptz)
      THEN 'expired' ELSE a.status END AS state
  FROM knowledge_article a CROSS JOIN q
  WHERE (CAST(:query AS text) IS NULL OR a.search @@ q.query)
    AND (CAST(:city AS text) IS NULL OR a.city_code = CAST(:city AS text))
    AND (CAST(:category AS text) IS NULL OR a.category = CAST(:category AS text))
    AND (CAST(:visibility AS text) IS NULL OR a.visibility = CAST(:visibility AS text))
    AND (NOT CAST(:public AS boolean) OR a.visibility = 'public')
    AND (CAST(:favouriteOf AS bigint) IS NULL OR EXISTS (
      SELECT 1 FROM knowledge_favourite f WHERE f.article_id = a.id AND f.user_id = CAST(:favouriteOf AS bigint)))
    AND (CAST(:cursorT AS timestamptz) IS NULL OR (a.updated_at, a.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
    AND CASE CAST(:state AS text)
      WHEN 'published' THEN a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > CAST(:now AS timestamptz))
      WHEN 'expired' THEN a.status = 'published' AND a.expires_at <= CAST(:now AS timestamptz)
      ELSE a.status = CAST(:state AS text) END
    AND (CAST(:all AS boolean) OR a.status = 'published' OR a.author_id = CAST(:user AS bigint))
  ORDER BY rank DESC NULLS LAST, a.updated_at DESC, a.id DESC
  LIMIT :limit OFFSET :offset
)
SELECT a.id, a.title, a.summary, left(a.body_text, 160) AS excerpt, a.category, a.tags, a.visibility, h.state,
  a.expires_at, a.published_at, a.updated_at, a.version, a.author_id, a.author_name, a.source_event_number, h.rank,
  to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t,
  r.mean, r.n
FROM hits h
JOIN knowledge_article a ON a.id = h.id
LEFT JOIN LATERAL (SELECT avg(score)::float8 AS mean, count(*)::int AS n FROM knowledge_rating WHERE article_id = a.id) r ON true
ORDER BY h.rank DESC NULLS LAST, h.updated_at DESC, h.id DESC
