-- The baseline of the knowledge bench: a LIKE scan over title and body for the question's words
-- (no index can serve '%word%'), ranked by how many of the words an article contains.
SELECT a.id, s.hits
FROM knowledge_article a
CROSS JOIN LATERAL (
  SELECT count(*) AS hits FROM unnest(CAST(:likes AS text[])) w(pattern)
  WHERE a.title LIKE w.pattern OR a.body_text LIKE w.pattern
) s
WHERE a.city_code = :city AND a.status = 'published' AND s.hits > 0
ORDER BY s.hits DESC, a.id
LIMIT :limit
