-- A place's surroundings (周边): the units and other places within the radius in geodesic metres
-- (ST_DWithin on geography, the spheroid), nearest first, inside the caller's jurisdiction.
-- Bindings: the centre lon and lat, the radius (three times), jurisdiction patterns (twice), the
-- place's own id, the limit. The box (1 degree >= 50 km of longitude up to 63 N) only lets the index help.
WITH c AS (SELECT ST_SetSRID(ST_MakePoint(?, ?), 4490)::geography AS g, ?::float8 AS r)
SELECT * FROM (
  SELECT 'unit' AS target, u.id, u.name, u.kind, u.risk_level, u.grid_code, u.community_code,
         ST_Distance(u.geom::geography, c.g) AS distance_m, ST_X(u.geom) AS lon, ST_Y(u.geom) AS lat
  FROM unit u, c
  WHERE u.geom IS NOT NULL AND ST_DWithin(u.geom::geography, c.g, c.r)
    AND u.geom && ST_Expand(c.g::geometry, ? / 50000.0)
    AND u.community_code LIKE ANY(?::text[])
  UNION ALL
  SELECT 'place', p.id, p.name, p.kind, p.risk_level, p.grid_code, p.community_code,
         ST_Distance(p.geom::geography, c.g), ST_X(p.geom), ST_Y(p.geom)
  FROM place p, c
  WHERE p.geom IS NOT NULL AND ST_DWithin(p.geom::geography, c.g, c.r)
    AND p.geom && ST_Expand(c.g::geometry, ? / 50000.0)
    AND p.community_code LIKE ANY(?::text[]) AND p.id <> ?
) s
ORDER BY distance_m, target, id
LIMIT ?
