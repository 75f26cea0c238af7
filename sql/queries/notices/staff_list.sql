-- Notices of the caller's city for staff, newest change first with a keyset cursor; optional
-- filters (NULL: not applied). Bindings: city, status, audience, q (an ILIKE pattern), cursorT,
-- cursorI, limit.
SELECT n.*, to_char(n.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM notice n
WHERE n.city_code = :city
  AND (CAST(:status AS text) IS NULL OR n.status = CAST(:status AS text))
  AND (CAST(:audience AS text) IS NULL OR n.audience = CAST(:audience AS text))
  AND (CAST(:q AS text) IS NULL OR n.title ILIKE CAST(:q AS text))
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (n.updated_at, n.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY n.updated_at DESC, n.id DESC
LIMIT :limit
