-- GetMap: the polygons of one layer inside the request box, already in pixels, as TWKB.
-- Why this shape:
-- * the index test compares storage geometries (EPSG:4490) with the request box transformed to
--   storage; the box is densified first so that a projected box (Gauss-Krüger, Web Mercator) keeps
--   its curved outline through the transform, and the caller widens it by a few pixels so that
--   strokes of polygons just outside the edge still draw;
-- * each geometry is transformed to the request CRS, clipped to the widened box (a zoomed-in view
--   of a big polygon ships only what shows), mapped to pixels with ST_Affine (y grows downwards),
--   simplified at half a pixel keeping collapsed parts (tiny grids stay visible as dots), and
--   shipped as TWKB at 0.1-pixel precision: a few bytes per vertex instead of 16 in WKB;
-- * the value column feeds the style (colour by attribute) and comes from the catalogue;
-- * ORDER BY the key makes overlaps paint in a stable order, so images are reproducible.
WITH box AS (SELECT ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, CAST(:srid AS integer)) AS env)
SELECT ST_AsTWKB(
         ST_Simplify(
           ST_Affine(ST_ClipByBox2D(ST_Transform(t.geom, CAST(:srid AS integer)), box.env), :sx, 0, 0, :sy, :dx, :dy),
           0.5, true),
         1) AS g,
       /*value*/ NULL /*end*/ AS v
FROM :table: AS t, box
WHERE t.geom && ST_Transform(ST_Segmentize(box.env, :seg), 4490)
  AND (/*where*/ true /*end*/)
  AND serial_plan() -- never a parallel plan: migration 0049
  AND t.:admin: LIKE ANY(CAST(:patterns AS text[]))
ORDER BY t.:key:
