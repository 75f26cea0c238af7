-- The grid chain of one intake point (EPSG:4490): the current base grid containing it, the
-- smallest code on a shared edge or vertex (the same rule as the geocoder), and when it lies
-- outside every grid the nearest one with its geodesic distance. Only what intake needs: no
-- industry grids. The KNN operator (<->) is planar in degrees, so the 8 planar-nearest grids
-- are re-ranked by geography distance in metres.
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4490) AS geom)
SELECT b.code, b.version, b.community_code, b.city_code, near.code AS nearest_code, near.metres AS nearest_metres
FROM p
LEFT JOIN LATERAL (
  SELECT g.code, g.version, g.community_code, g.city_code
  FROM grid g
  WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, p.geom)
  ORDER BY g.code
  LIMIT 1
) b ON true
LEFT JOIN LATERAL (
  SELECT k.code, ST_Distance(k.geom::geography, p.geom::geography) AS metres
  FROM (
    SELECT g.code, g.geom FROM grid g
    WHERE g.kind = 'base' AND g.valid_to IS NULL
    ORDER BY g.geom <-> p.geom
    LIMIT 8
  ) k
  WHERE b.code IS NULL
  ORDER BY metres, k.code
  LIMIT 1
) near ON true
