-- The current base grid containing a point (EPSG:4490), the smallest code on a shared edge.
SELECT g.code FROM grid g
WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490))
ORDER BY g.code LIMIT 1
