-- The demo generator's anchors: every current base grid of a city with a point inside it.
SELECT g.code, g.community_code, ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
FROM grid g
WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.city_code = :city
ORDER BY g.code
