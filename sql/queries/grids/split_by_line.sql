-- Cuts a grid along a line (the line must cross the grid completely). The parts come back
-- west to east, then north to south, the order grid sequences are numbered in; full precision
-- (15 decimals) so the parts share the cut edge exactly and never leave a sliver between them.
SELECT ST_AsGeoJSON(ST_Multi(ST_ForcePolygonCCW(d.geom)), 15, 0) AS part
FROM grid g
CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Split(g.geom, ST_SetSRID(ST_GeomFromGeoJSON(:line), 4490)), 3)) AS d
WHERE g.id = :id
ORDER BY ST_XMin(d.geom), ST_YMax(d.geom) DESC
