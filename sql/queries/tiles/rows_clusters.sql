-- mvt_clusters.sql for the Node encoder: the same cells, returned as rows with the cluster point
-- in tile pixel space (see rows_layer.sql for the transform).
WITH bounds AS (
  SELECT ST_XMin(e.env) AS xmin, ST_XMax(e.env) AS xmax, ST_YMin(e.env) AS ymin, ST_YMax(e.env) AS ymax,
         4096 / (ST_XMax(e.env) - ST_XMin(e.env)) AS scale, ST_Transform(e.env, 4490) AS env4490
  FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) e
),
points AS (
  SELECT ST_Transform(t.geom, 3857) AS g
  FROM {{table}} t, bounds b
  WHERE t.geom && b.env4490 AND ({{where}}) AND {{admin_column}} LIKE ANY ($4::text[])
),
cells AS (
  SELECT count(*)::int AS point_count, ST_Centroid(ST_Collect(p.g)) AS g
  FROM points p, bounds b
  WHERE ST_X(p.g) >= b.xmin AND ST_X(p.g) < b.xmax AND ST_Y(p.g) > b.ymin AND ST_Y(p.g) <= b.ymax
  GROUP BY floor((ST_X(p.g) - b.xmin) * b.scale / 256), floor((b.ymax - ST_Y(p.g)) * b.scale / 256)
)
SELECT c.point_count,
       ST_AsGeoJSON(ST_SnapToGrid(ST_Affine(c.g, b.scale, 0, 0, -b.scale, -b.xmin * b.scale, b.ymax * b.scale), 1), 0) AS geom
FROM cells c, bounds b
