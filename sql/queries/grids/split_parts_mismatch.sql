-- Two polygons proposed as the parts of a split must make up the grid: the symmetric difference
-- between their union and the grid is what is missing or extra. Invalid parts are left to the
-- invalid_geometry rule (GEOS overlays on them would fail), so they report no mismatch here.
WITH p AS (
  SELECT ST_SetSRID(ST_GeomFromGeoJSON(:a), 4490) AS a, ST_SetSRID(ST_GeomFromGeoJSON(:b), 4490) AS b
), d AS (
  SELECT CASE WHEN ST_IsValid(p.a) AND ST_IsValid(p.b)
              THEN ST_CollectionExtract(ST_SymDifference(g.geom, ST_Union(p.a, p.b)), 3) END AS geom
  FROM grid g, p WHERE g.id = :id
)
SELECT coalesce(ST_Area(geom::geography), 0) AS area_m2, ST_AsGeoJSON(geom, 7, 0) AS location FROM d
