-- A current grid inside the caller's jurisdiction, with its outline as GeoJSON (EPSG:4490).
SELECT code, name, community_code, city_code, ST_AsGeoJSON(geom) AS geojson,
       ST_XMin(geom) AS minx, ST_YMin(geom) AS miny, ST_XMax(geom) AS maxx, ST_YMax(geom) AS maxy
FROM grid
WHERE code = :grid AND valid_to IS NULL AND community_code LIKE ANY(CAST(:patterns AS text[]))
