-- Everything intake needs from the database before its insert, in ONE statement (one round
-- trip; before, three statements on three pooled connections):
-- 1. b: the grid chain: the current base grid containing the point, the smallest code on a
--    shared edge or vertex (the geocoder's tie rule);
-- 2. num: the next per-city, per-Shanghai-day sequence number for the public event number,
--    taken only when the point lies in a grid the reporter may report in (:anywhere, or the
--    jurisdiction patterns), so a refused report does not use one;
-- 3. near: when the point lies outside every grid, the nearest one with its geodesic distance
--    (nearest_base_grid(), migration 0016);
-- 4. duplicates: same class, reported in the window, within the distance, not rejected or
--    voided, inside the caller's jurisdiction. The bounding box (&&, GiST on geom) pre-selects in
--    degrees, the geodesic distance decides, the created_at range prunes the monthly partitions.
--    Text similarity is scored in Node (no pg_trgm in PGlite).
--
-- Why this statement commits asynchronously (set_config(…, true) lasts to the end of its own
-- transaction, and the commit reads it): the counter row is locked until the commit ends, and a
-- synchronous commit ends after the WAL flush (fsync), so every intake of a city would queue on
-- that row for one fsync each. Asynchronous commit cannot make a number be used twice: the event
-- row that uses number N commits synchronously later, and flushing its commit record flushes all
-- WAL before it, including this increment. A crash can only lose increments that no durable event
-- carries. A failed intake leaves a gap in the day's numbers, which is harmless: numbers are
-- unique, not dense. Outside every grid nothing is written.
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4490) AS geom),
b AS (
  SELECT g.code, g.version, g.community_code, g.city_code
  FROM grid g, p
  WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, p.geom)
  ORDER BY g.code
  LIMIT 1
),
num AS (
  INSERT INTO event_number_counter (city_code, day, last)
  SELECT b.city_code, :day::date, 1 FROM b
  WHERE (:anywhere::boolean OR b.community_code LIKE ANY(:patterns::text[]))
    AND set_config('synchronous_commit', 'off', true) = 'off'
  ON CONFLICT (city_code, day) DO UPDATE SET last = event_number_counter.last + 1
  RETURNING last
)
SELECT b.code, b.version, b.community_code, b.city_code, (SELECT last FROM num) AS seq_no,
  near.code AS nearest_code, near.metres AS nearest_metres,
  (SELECT coalesce(json_agg(json_build_object('number', d.number, 'description', d.description, 'status', d.status,
            'created_at', d.created_at, 'metres', d.metres) ORDER BY d.metres, d.created_at DESC), '[]'::json)
   FROM (
     SELECT e.number, e.description, e.status, e.created_at,
            round(ST_Distance(e.geom::geography, p.geom::geography)::numeric, 1) AS metres
     FROM event e
     WHERE e.geom && ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, 4490)
       AND e.class_code = :classCode
       AND e.created_at >= :since AND e.created_at <= :until
       AND e.status NOT IN ('rejected', 'voided')
       AND e.community_code LIKE ANY(:patterns::text[])
       AND ST_DWithin(e.geom::geography, p.geom::geography, :metres)
     ORDER BY metres, e.created_at DESC
     LIMIT 50
   ) d) AS duplicates
FROM p
LEFT JOIN b ON true
-- a point inside a grid passes NULL, and the (STRICT) function then does not search at all
LEFT JOIN LATERAL nearest_base_grid(CASE WHEN b.code IS NULL THEN p.geom END) near ON true
