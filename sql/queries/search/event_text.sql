-- Search: recent events whose description or address contains the text, newest first. Bounded:
-- only the newest scan-cap events created in the last few weeks (the ones an operator looks up
-- by words) are read, walking event_created_idx; a substring test, as PGlite has no pg_trgm.
SELECT s.number, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.status, s.address, s.description,
  c.name AS class_name, s.created_at
FROM (
  SELECT e.id, e.number, e.geom, e.status, e.address, e.description, e.class_code, e.created_at, e.community_code
  FROM event e
  WHERE e.created_at >= :since
  ORDER BY e.created_at DESC, e.id DESC
  LIMIT :scan
) s
JOIN event_class c ON c.code = s.class_code
WHERE (strpos(s.description, :words) > 0 OR strpos(coalesce(s.address, ''), :words) > 0)
  AND s.community_code LIKE ANY(:patterns::text[])
ORDER BY s.created_at DESC, s.id DESC
LIMIT :limit
