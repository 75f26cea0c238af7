-- Places imported rows with a point in the current base grid containing it (the smallest code on
-- a shared edge); rows without a point keep no grid. The table is named by the caller's code.
UPDATE :table: t
SET grid_code = (SELECT g.code FROM grid g
                 WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, t.geom)
                 ORDER BY g.code LIMIT 1)
WHERE t.id = ANY (CAST(:ids AS bigint[])) AND t.geom IS NOT NULL
