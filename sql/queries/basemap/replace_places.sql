-- Base map import (server/import/basemap.ts): the city's place names replaced by the imported
-- set. Binds (city code, rows json).
WITH p AS (SELECT CAST(? AS text) AS city, CAST(? AS json) AS rows),
gone AS (DELETE FROM place_name n USING p WHERE n.city_code = p.city)
INSERT INTO place_name (city_code, name, kind, rank, geom)
SELECT p.city, r.name, r.kind, r.rank, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490)
FROM p CROSS JOIN json_to_recordset(p.rows) AS r(name text, kind text, rank smallint, lon float8, lat float8)
