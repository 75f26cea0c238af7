-- The outlines of the given admin divisions as GeoJSON (CGCS2000 lon/lat, 9 decimals ≈ 0.1 mm).
SELECT code, ST_AsGeoJSON(geom, 9) AS geojson
FROM admin_division
WHERE code = ANY(:codes::text[])
ORDER BY code
