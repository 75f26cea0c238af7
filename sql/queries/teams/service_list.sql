-- Services (群防群治服务) inside the caller's jurisdiction, newest dispatch first with a keyset
-- cursor; optional filters (NULL: not applied): one service, one team, a status.
SELECT s.id, s.team_id, t.name AS team_name, s.community_code, s.grid_code, s.event_number, s.description, s.address,
  ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.status, s.dispatcher_name, s.dispatched_at, s.accepted_at, s.done_at,
  s.result, s.hours, s.participants, s.rating, s.rating_comment, s.rated_at, s.cancel_reason, s.version,
  to_char(s.dispatched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM team_service s
JOIN team t ON t.id = s.team_id
WHERE s.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR s.id = CAST(:id AS bigint))
  AND (CAST(:teamId AS bigint) IS NULL OR s.team_id = CAST(:teamId AS bigint))
  AND (CAST(:status AS text) IS NULL OR s.status = CAST(:status AS text))
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (s.dispatched_at, s.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY s.dispatched_at DESC, s.id DESC
LIMIT :limit
