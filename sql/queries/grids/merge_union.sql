-- The union of the grids to merge. Polygons that share an edge dissolve into one; grids that only
-- touch at a corner or not at all stay separate parts, so "one part" is the adjacency test.
WITH u AS (
  SELECT ST_Multi(ST_ForcePolygonCCW(ST_UnaryUnion(ST_Collect(geom)))) AS geom
  FROM grid WHERE id = ANY(?::bigint[])
)
SELECT ST_AsGeoJSON(geom, 15, 0) AS geometry, ST_NumGeometries(geom) = 1 AS connected,
       ST_AsGeoJSON(geom, 7, 0) AS gaps
FROM u
