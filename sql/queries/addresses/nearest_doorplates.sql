-- Doorplates (level 50) nearest to a point, for reverse geocoding. The inner query walks the
-- partial GiST index in KNN order (geom <-> point, planar distance in degrees), bounded by a
-- degree radius that contains the metre radius at this latitude; the outer query computes the
-- exact geodesic distance. Planar degree order is not metre order (a degree of longitude is
-- ~0.8 of a degree of latitude at 36°N), so the caller checks that the `cap` nearest-by-degree
-- rows cover the answer and asks again with a larger cap if they might not.
-- Bindings: lon, lat, city, degree radius, cap.
WITH q AS (
  SELECT ST_SetSRID(ST_MakePoint(?, ?), 4490) AS p, ?::varchar(6) AS city, ?::float8 AS deg, ?::int AS cap
), near AS (
  SELECT a.id, a.geom, a.geom <-> q.p AS deg_distance
  FROM std_address a CROSS JOIN q
  WHERE a.level = 50 AND a.city_code = q.city AND ST_DWithin(a.geom, q.p, q.deg)
  ORDER BY a.geom <-> q.p
  LIMIT (SELECT cap FROM q)
)
SELECT a.id::int AS id, a.level, a.full_address, a.community_code, a.road, a.house_number, a.estate,
       a.building, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, near.deg_distance,
       ST_Distance(a.geom::geography, q.p::geography) AS distance_m
FROM near JOIN std_address a ON a.id = near.id CROSS JOIN q
ORDER BY distance_m, a.id
