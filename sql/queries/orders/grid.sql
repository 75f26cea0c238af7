-- A grid an order may send a resource into: the current version of the code, inside the caller's
-- jurisdiction, with a point inside it (where the line on the map ends).
SELECT g.code, g.name, g.community_code, g.city_code,
       ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
FROM grid g
WHERE g.code = :code AND g.valid_to IS NULL
  AND g.community_code LIKE ANY (CAST(:patterns AS text[]))
LIMIT 1
