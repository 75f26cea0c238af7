-- Base map import (server/import/basemap.ts): the city's water areas replaced by the imported
-- set. Binds (city code, rows json). A self-touching or bow-tie ring is repaired (ST_MakeValid,
-- polygons kept) rather than refused: surveys of river banks often carry them.
WITH p AS (SELECT CAST(? AS text) AS city, CAST(? AS json) AS rows),
gone AS (DELETE FROM water_area w USING p WHERE w.city_code = p.city)
INSERT INTO water_area (city_code, name, kind, geom)
SELECT p.city, r.name, r.kind, v.geom
FROM p CROSS JOIN json_to_recordset(p.rows) AS r(name text, kind text, geom json)
CROSS JOIN LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4490)), 3)) AS geom) v
WHERE NOT ST_IsEmpty(v.geom)
