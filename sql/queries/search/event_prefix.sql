-- Search: events whose number starts with a prefix ('E' + digits), newest first. The prefix's
-- digits are a date range (E202610 → October 2026), which bounds created_at: the walk goes down
-- event_created_idx inside that range, where almost every row matches the prefix. At most the
-- newest scan-cap rows of the range are read, so a jurisdiction with no event in a year-long
-- range costs a bounded walk, not the whole year; a day's prefix is read in full.
SELECT s.number, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.status, s.address, s.description,
  c.name AS class_name, s.created_at
FROM (
  SELECT e.id, e.number, e.geom, e.status, e.address, e.description, e.class_code, e.created_at, e.community_code
  FROM event e
  WHERE e.created_at >= :from AND e.created_at < :to
  ORDER BY e.created_at DESC, e.id DESC
  LIMIT :scan
) s
JOIN event_class c ON c.code = s.class_code
WHERE s.number LIKE :pattern
  AND s.number <> :exact
  AND s.community_code LIKE ANY(:patterns::text[])
ORDER BY s.created_at DESC, s.id DESC
LIMIT :limit
