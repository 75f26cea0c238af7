-- The cases on show an event may be offered (GET /api/v1/events/{number}/similar-cases): inside
-- the caller's jurisdiction, of the event's city, not the event itself, and still well handled
-- (closed or evaluated, not evaluated dissatisfied since the pinning). Distances are geodesic
-- (geography on the CGCS2000 ellipsoid). Text is scored in Node (jieba words, character
-- bigrams: PGlite has no pg_trgm), so the database hands over at most `cap` cases, those of the
-- event's small class first, then its big class, then the rest, each nearest first.
WITH here AS (
  SELECT CAST(ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490) AS geography) AS g
)
SELECT x.id, x.event_number, x.community_code, x.title, x.summary, x.reason, x.tags, x.pinned_at,
  pu.display_name AS pinned_by_name, x.pinned_by, a.name AS community_name,
  e.id AS event_id, e.class_code, c.name AS class_name, e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat,
  e.status, e.satisfaction, e.created_at, e.dispatched_at, e.handle_due_at, e.handled_at, e.closed_at,
  ST_Distance(CAST(e.geom AS geography), here.g) AS metres,
  CASE WHEN e.class_code = CAST(:klass AS text) THEN 2
       WHEN left(e.class_code, 2) = left(CAST(:klass AS text), 2) THEN 1 ELSE 0 END AS class_rank
FROM here
CROSS JOIN exemplary_case x
JOIN event e ON e.id = x.event_id AND e.created_at = x.event_created_at
JOIN event_class c ON c.code = e.class_code
JOIN app_user pu ON pu.id = x.pinned_by
LEFT JOIN admin_division a ON a.code = x.community_code
WHERE x.unpinned_at IS NULL
  AND x.city_code = :city
  AND x.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND x.event_id <> :eventId
  AND e.status IN ('closed', 'evaluated')
  AND e.satisfaction IS DISTINCT FROM 'dissatisfied'
ORDER BY class_rank DESC, metres, x.id
LIMIT :cap
