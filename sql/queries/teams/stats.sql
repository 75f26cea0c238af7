-- Statistics of the teams inside the caller's jurisdiction (optionally one area) for a period
-- [from, to) (NULL: open): per team, its services by dispatch time (dispatched, open, done,
-- cancelled, rated, the sum of ratings for averages) and its ledger by activity start (count,
-- hours, person-hours = hours x participants, and the same per kind). The service groups teams
-- by area from these rows, so an area's average rating is its ratings' sum over their count.
WITH t AS (
  SELECT id, name, kind, community_code FROM team
  WHERE community_code LIKE ANY (CAST(:patterns AS text[]))
    AND (CAST(:area AS text) IS NULL OR community_code LIKE CAST(:area AS text))
),
s AS (
  SELECT team_id, count(*) AS dispatched,
    count(*) FILTER (WHERE status IN ('assigned', 'accepted')) AS open,
    count(*) FILTER (WHERE status IN ('done', 'rated')) AS done,
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
    count(rating) AS rated, coalesce(sum(rating), 0) AS rating_sum
  FROM team_service
  WHERE team_id IN (SELECT id FROM t)
    AND (CAST(:from AS timestamptz) IS NULL OR dispatched_at >= CAST(:from AS timestamptz))
    AND (CAST(:to AS timestamptz) IS NULL OR dispatched_at < CAST(:to AS timestamptz))
  GROUP BY team_id
),
k AS (
  SELECT team_id, kind, count(*) AS n, sum(hours) AS hours, sum(hours * participants) AS person_hours
  FROM team_activity
  WHERE team_id IN (SELECT id FROM t)
    AND (CAST(:from AS timestamptz) IS NULL OR started_at >= CAST(:from AS timestamptz))
    AND (CAST(:to AS timestamptz) IS NULL OR started_at < CAST(:to AS timestamptz))
  GROUP BY team_id, kind
),
a AS (
  SELECT team_id, sum(n) AS activities, sum(hours) AS hours, sum(person_hours) AS person_hours,
    jsonb_object_agg(kind, jsonb_build_object('count', n, 'hours', hours)) AS by_kind
  FROM k GROUP BY team_id
)
SELECT t.id, t.name, t.kind, t.community_code,
  coalesce(s.dispatched, 0) AS dispatched, coalesce(s.open, 0) AS open, coalesce(s.done, 0) AS done,
  coalesce(s.cancelled, 0) AS cancelled, coalesce(s.rated, 0) AS rated, coalesce(s.rating_sum, 0) AS rating_sum,
  coalesce(a.activities, 0) AS activities, coalesce(a.hours, 0) AS hours, coalesce(a.person_hours, 0) AS person_hours,
  coalesce(a.by_kind, '{}'::jsonb) AS by_kind
FROM t LEFT JOIN s ON s.team_id = t.id LEFT JOIN a ON a.team_id = t.id
ORDER BY t.community_code, t.id
