-- Staged rows that cannot be written: outside every base grid (with the nearest grid and its
-- geodesic distance, like intake's 422) or outside the importer's jurisdiction. The KNN
-- operator is planar in degrees, so the 8 planar-nearest grids are re-ranked in metres.
SELECT s.line, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.community_code,
  s.grid_code IS NULL AS outside_city, near.code AS nearest_code, near.metres AS nearest_metres
FROM event_import_stage s
LEFT JOIN LATERAL (
  SELECT k.code, ST_Distance(k.geom::geography, s.geom::geography) AS metres
  FROM (
    SELECT g.code, g.geom FROM grid g
    WHERE g.kind = 'base' AND g.valid_to IS NULL
    ORDER BY g.geom <-> s.geom
    LIMIT 8
  ) k
  WHERE s.grid_code IS NULL
  ORDER BY metres, k.code
  LIMIT 1
) near ON true
WHERE s.grid_code IS NULL OR NOT (s.community_code LIKE ANY (:patterns::text[]))
ORDER BY s.line
