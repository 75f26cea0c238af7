-- A grid fence: the union of the current boundaries of its grids (migration 0017's trigger
-- re-unions it when a grid gets a new version), and the codes that have no current grid.
SELECT (SELECT ST_Multi(ST_Union(g.geom))::text FROM grid g
        WHERE g.code = ANY (CAST(:codes AS text[])) AND g.valid_to IS NULL) AS geom,
       true AS valid, NULL::text AS reason, NULL::float8 AS lon, NULL::float8 AS lat,
       ARRAY(SELECT c FROM unnest(CAST(:codes AS text[])) WITH ORDINALITY AS u(c, n)
             WHERE NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = u.c AND g.valid_to IS NULL)
             ORDER BY u.n) AS missing
