-- Search: one event by its whole public number, inside the caller's jurisdiction. The number's
-- date (a Shanghai day) bounds created_at, so one partition is probed by its number index.
SELECT e.number, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.status, e.address, e.description,
  c.name AS class_name, e.created_at
FROM event e
JOIN event_class c ON c.code = e.class_code
WHERE e.number = :number
  AND e.created_at >= :dayStart AND e.created_at < :dayEnd
  AND e.community_code LIKE ANY(:patterns::text[])
