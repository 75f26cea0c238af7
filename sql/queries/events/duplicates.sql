-- Duplicate candidates of a new report: same class, reported in the time window, within the
-- distance, not rejected or voided, inside the caller's jurisdiction. The bounding box (&&,
-- GiST on geom) pre-selects in degrees; the geodesic distance (geography, metres) decides.
-- The created_at range prunes the monthly partitions to the window.
SELECT e.id, e.number, e.description, e.status, e.created_at,
       round(ST_Distance(e.geom::geography, p.geom::geography)::numeric, 1) AS metres
FROM (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4490) AS geom) p
JOIN event e ON e.geom && ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, 4490)
WHERE e.class_code = :classCode
  AND e.created_at >= :since AND e.created_at <= :until
  AND e.status NOT IN ('rejected', 'voided')
  AND e.community_code LIKE ANY(:patterns::text[])
  AND ST_DWithin(e.geom::geography, p.geom::geography, :metres)
ORDER BY metres, e.created_at DESC
LIMIT 50
