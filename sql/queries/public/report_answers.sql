-- Public, published knowledge articles cited in an event's handling (引用). Binding: eventId.
SELECT a.id, a.title
FROM knowledge_citation c
JOIN knowledge_article a ON a.id = c.article_id
WHERE c.event_id = :eventId AND a.visibility = 'public' AND a.status = 'published'
  AND (a.expires_at IS NULL OR a.expires_at > now())
ORDER BY c.created_at, a.id
