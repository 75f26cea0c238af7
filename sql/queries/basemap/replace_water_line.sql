-- Base map import (server/import/basemap.ts): the city's water lines replaced by the imported
-- set. Binds (city code, rows json).
WITH p AS (SELECT CAST(? AS text) AS city, CAST(? AS json) AS rows),
gone AS (DELETE FROM water_line w USING p WHERE w.city_code = p.city)
INSERT INTO water_line (city_code, name, kind, geom)
SELECT p.city, r.name, r.kind, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom::text), 4490))
FROM p CROSS JOIN json_to_recordset(p.rows) AS r(name text, kind text, geom json)
