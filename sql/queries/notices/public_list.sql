-- Published public notices inside their window (publish_from ≤ now < publish_until, open ends
-- allowed), newest publication first with a keyset cursor; one notice when the id binding is given.
-- Bindings: now, id, cursorT, cursorI, limit.
SELECT n.id, n.title, n.category, n.body_html, n.published_at,
  to_char(n.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM notice n
WHERE n.status = 'published' AND n.audience = 'public'
  AND (n.publish_from IS NULL OR n.publish_from <= CAST(:now AS timestamptz))
  AND (n.publish_until IS NULL OR n.publish_until > CAST(:now AS timestamptz))
  AND (CAST(:id AS bigint) IS NULL OR n.id = CAST(:id AS bigint))
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (n.published_at, n.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY n.published_at DESC, n.id DESC
LIMIT :limit
