-- The road centre lines of a grid, clipped to it, as GeoJSON (EPSG:4490). Which part lies near
-- the day's track is measured in Node (server/patrol/coverage.ts): buffering the track in
-- PostGIS was exact enough but made the embedded PostGIS (PGlite) lose its connection.
SELECT ST_AsGeoJSON(ST_CollectionExtract(ST_Intersection(r.geom, g.geom), 2)) AS geojson
FROM road r
JOIN grid g ON g.code = :grid AND g.valid_to IS NULL
WHERE r.geom && g.geom AND ST_Intersects(r.geom, g.geom)
ORDER BY r.id
