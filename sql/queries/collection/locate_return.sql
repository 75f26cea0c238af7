-- Which of the task's grids holds a return's place (a trace or shape by a point on it), with
-- its community. No row: the place lies outside the task's grids.
WITH g AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4490) AS geom)
SELECT gr.code AS grid_code, gr.community_code
FROM grid gr, g
WHERE gr.code = ANY(CAST(:codes AS text[]))
  AND gr.valid_to IS NULL
  AND ST_Intersects(gr.geom, ST_PointOnSurface(g.geom))
ORDER BY gr.code
LIMIT 1
