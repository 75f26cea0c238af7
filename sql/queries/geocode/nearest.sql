-- For points inside no base grid (a separate statement, run only when a batch has such points,
-- so the common all-inside batch never pays for it): the nearest current base grid and the
-- geodesic distance to it, one row per point, in one statement for the whole set.
-- The KNN operator (<->) walks grid_current_base_geom_idx by planar distance in degrees, which
-- is not metric (a degree of longitude is cos(lat) of a degree of latitude). Of the 8
-- planar-nearest grids, only those that could still be metrically nearest (planar distance
-- within 1/cos(lat) of the planar minimum) are measured on the spheroid, the costly part.
SELECT p.ord::int AS ord, k.code, k.metres
FROM unnest(?::float8[], ?::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4490) AS geom, u.ord) p
CROSS JOIN LATERAL (
  SELECT c.code, ST_Distance(c.geom::geography, p.geom::geography) AS metres
  FROM (
    SELECT k8.code, k8.geom, k8.planar, min(k8.planar) OVER () AS planar_min
    FROM (
      SELECT g.code, g.geom, g.geom <-> p.geom AS planar
      FROM grid g
      WHERE g.kind = 'base' AND g.valid_to IS NULL
      ORDER BY g.geom <-> p.geom
      LIMIT 8
    ) k8
  ) c
  WHERE c.planar <= c.planar_min / greatest(cos(radians(least(abs(ST_Y(p.geom)), 89.0))), 0.02) + 1e-9
  ORDER BY metres, c.code
  LIMIT 1
) k
ORDER BY p.ord
