-- Relevant posts per topic keyword and day (or ISO week, starting Monday) in Beijing time, in the
-- caller's city: a post mentioning a keyword counts once for it. Keywords ranked by their total.
WITH counted AS (
  SELECT k.keyword,
         date_trunc(:interval, p.published_at AT TIME ZONE 'Asia/Shanghai')::date AS period,
         count(*)::int AS posts
  FROM opinion_post p
  CROSS JOIN LATERAL unnest(p.keywords) AS k(keyword)
  WHERE p.city_code = :city
    AND p.relevant
    AND p.published_at >= (:from::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
    AND p.published_at < ((:to::date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
    AND (:keyword::text IS NULL OR k.keyword = :keyword)
  GROUP BY 1, 2
), ranked AS (
  SELECT keyword, sum(posts)::int AS total FROM counted GROUP BY keyword
  ORDER BY total DESC, keyword LIMIT :limit
)
SELECT c.keyword, r.total, c.period::text AS period, c.posts
FROM counted c JOIN ranked r USING (keyword)
ORDER BY r.total DESC, c.keyword, c.period
