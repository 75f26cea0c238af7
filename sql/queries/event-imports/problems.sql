-- Staged rows that cannot be written: outside every base grid (with the nearest grid and its
-- geodesic distance, nearest_base_grid() as in intake's 422) or outside the importer's
-- jurisdiction.
SELECT s.line, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.community_code,
  s.grid_code IS NULL AS outside_city, near.code AS nearest_code, near.metres AS nearest_metres
FROM event_import_stage s
-- a point inside a grid passes NULL, and the (STRICT) function then does not search at all
LEFT JOIN LATERAL nearest_base_grid(CASE WHEN s.grid_code IS NULL THEN s.geom END) near ON true
WHERE s.grid_code IS NULL OR NOT (s.community_code LIKE ANY (:patterns::text[]))
ORDER BY s.line
