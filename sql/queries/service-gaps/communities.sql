-- The communities of an area inside the caller's jurisdiction, with their names, their street's
-- name and, for the report's map, their outline simplified to about a pixel.
SELECT c.code, c.name, s.name AS street_name,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(c.geom, :tol), 6) AS geojson
FROM admin_division c LEFT JOIN admin_division s ON s.code = c.parent_code
WHERE c.level = 'community' AND c.code LIKE :area AND c.code LIKE ANY(:patterns::text[])
ORDER BY c.code
