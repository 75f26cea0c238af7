-- The access audit for an auditor (server/audit/routes.ts): rows of the auditor's city and rows
-- of no city (requests by no one signed in: failed sign-ins), newest first (at, id) with a keyset
-- cursor. Filters are optional (NULL: not applied); `at` bounds prune the month partitions.
SELECT a.id, a.at, a.request_id, a.user_id, a.username, a.role, a.principal_kind, a.client_address, a.method,
  a.path, a.action, a.resource_type, a.resource_id, a.community_code, a.personal, a.fields, a.status,
  a.city_code, a.reason,
  to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM access_audit a
WHERE (a.city_code = CAST(:city AS text) OR a.city_code IS NULL)
  AND (CAST(:username AS text) IS NULL OR a.username = CAST(:username AS text))
  AND (CAST(:action AS text) IS NULL OR a.action = CAST(:action AS text))
  AND (CAST(:resourceType AS text) IS NULL OR a.resource_type = CAST(:resourceType AS text))
  AND (CAST(:resourceId AS text) IS NULL OR a.resource_id = CAST(:resourceId AS text))
  AND (CAST(:requestId AS text) IS NULL OR a.request_id = CAST(:requestId AS text))
  AND (CAST(:personal AS boolean) IS NULL OR a.personal = CAST(:personal AS boolean))
  AND (CAST(:from AS timestamptz) IS NULL OR a.at >= CAST(:from AS timestamptz))
  AND (CAST(:to AS timestamptz) IS NULL OR a.at < CAST(:to AS timestamptz))
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (a.at, a.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
