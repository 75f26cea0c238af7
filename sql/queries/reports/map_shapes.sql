-- Outlines under a report's map, simplified for drawing (a tolerance in degrees about one pixel):
-- the report's divisions and their child divisions (boundaries), and the current base grids inside
-- them and inside the caller's jurisdiction. GeoJSON, CGCS2000 lon/lat, 6 decimals (≈ 0.1 m).
SELECT 'division' AS layer, d.code, d.level,
  ST_AsGeoJSON(ST_SimplifyPreserveTopology(d.geom, :tol), 6) AS geojson
FROM admin_division d
WHERE d.code = ANY(:codes::text[]) OR d.parent_code = ANY(:codes::text[])
UNION ALL
SELECT 'grid', g.code, 'grid', ST_AsGeoJSON(ST_SimplifyPreserveTopology(g.geom, :tol), 6)
FROM grid g
WHERE g.kind = 'base' AND g.valid_to IS NULL
  AND g.community_code LIKE ANY(:areas::text[])
  AND g.community_code LIKE ANY(:patterns::text[])
ORDER BY 1, 2
