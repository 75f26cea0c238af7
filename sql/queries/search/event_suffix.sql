-- Search: events whose number ends with the typed digits (the day's sequence read out on the
-- phone: "…0364"), through the index of the reversed number (0028_search.sql), newest first.
-- Bounded by the numbering: at least four digits of a four-digit sequence match one number a
-- day, so the index yields at most one row per day kept (a few thousand) before the top-N sort.
SELECT e.number, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.status, e.address, e.description,
  c.name AS class_name, e.created_at
FROM event e
JOIN event_class c ON c.code = e.class_code
WHERE reverse(e.number) LIKE :reversed
  AND e.number <> :exact
  AND e.community_code LIKE ANY(:patterns::text[])
ORDER BY e.created_at DESC, e.number DESC
LIMIT :limit
