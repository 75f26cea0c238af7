-- GetFeatureInfo: the features of one layer within a few pixels of the clicked point.
-- Why this shape:
-- * the point and the tolerance are in the request CRS (the tolerance is N pixels of the map);
--   the index test uses the tolerance square transformed to storage, the exact test ST_DWithin in
--   the request CRS, so "a few pixels" means the same on screen whatever the CRS;
-- * nearest first; among polygons containing the point (distance 0) the smallest first, so a
--   click inside a community answers with the community before its street and district;
-- * the attribute list is built from the catalogue, the geometry goes out as WGS84 GeoJSON.
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(:x, :y), CAST(:srid AS integer)) AS p)
SELECT t.:key: AS fid,
       /*attributes*/ NULL AS none /*end*/,
       ST_AsGeoJSON(ST_Transform(t.geom, 4326), 7) AS geometry,
       ST_Distance(ST_Transform(t.geom, CAST(:srid AS integer)), q.p) AS distance
FROM :table: AS t, q
WHERE t.geom && ST_Transform(ST_Expand(q.p, :tol), 4490)
  AND ST_DWithin(ST_Transform(t.geom, CAST(:srid AS integer)), q.p, :tol)
  AND (/*where*/ true /*end*/)
  AND t.:admin: LIKE ANY(CAST(:patterns AS text[]))
ORDER BY distance, ST_Area(t.geom), fid
LIMIT :limit
