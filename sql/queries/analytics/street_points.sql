-- The streets of a city with their names and a point inside each (where a warning is drawn).
SELECT a.code, a.name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM admin_division a, LATERAL (SELECT ST_PointOnSurface(a.geom) AS geom) p
WHERE a.city_code = :city AND a.level = 'street'
