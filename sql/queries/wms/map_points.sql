-- GetMap: the points of one layer inside the request box, already in pixels, as TWKB.
-- Same box logic as map_polygons.sql (densified, widened box transformed to storage for the index
-- test); points need no clipping or simplification, and a point just outside the box still shows
-- the part of its symbol that overlaps the image.
WITH box AS (SELECT ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, CAST(:srid AS integer)) AS env)
SELECT ST_AsTWKB(ST_Affine(ST_Transform(t.geom, CAST(:srid AS integer)), :sx, 0, 0, :sy, :dx, :dy), 1) AS g,
       /*value*/ NULL /*end*/ AS v
FROM :table: AS t, box
WHERE t.geom && ST_Transform(ST_Segmentize(box.env, :seg), 4490)
  AND (/*where*/ true /*end*/)
  AND serial_plan() -- never a parallel plan: migration 0049
  AND t.:admin: LIKE ANY(CAST(:patterns AS text[]))
ORDER BY t.:key:
