-- A team's ledger (台账): its activities newest first with a keyset cursor, optional kind and
-- period [from, to); every row carries the totals of the whole filtered ledger (not the page).
WITH f AS (
  SELECT a.* FROM team_activity a
  WHERE a.team_id = :teamId
    AND (CAST(:kind AS text) IS NULL OR a.kind = CAST(:kind AS text))
    AND (CAST(:from AS timestamptz) IS NULL OR a.started_at >= CAST(:from AS timestamptz))
    AND (CAST(:to AS timestamptz) IS NULL OR a.started_at < CAST(:to AS timestamptz))
),
totals AS (SELECT count(*) AS n, coalesce(sum(hours), 0) AS hours, coalesce(sum(hours * participants), 0) AS person_hours FROM f)
SELECT f.id, f.kind, f.title, f.started_at, f.hours, f.participants, f.service_id, f.grid_code, f.community_code, f.note, f.created_at,
  to_char(f.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t,
  totals.n AS total_count, totals.hours AS total_hours, totals.person_hours AS total_person_hours
FROM totals LEFT JOIN f ON (CAST(:cursorT AS timestamptz) IS NULL OR (f.started_at, f.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY f.started_at DESC NULLS LAST, f.id DESC
LIMIT :limit
