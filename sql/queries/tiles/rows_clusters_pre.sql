-- mvt_clusters_pre.sql for the Node encoder: the same cells as rows, the cluster point in tile
-- pixel space (see rows_layer.sql for the transform).
WITH bounds AS (
  SELECT ST_XMin(e.env) AS xmin, ST_YMax(e.env) AS ymax, 4096 / (ST_XMax(e.env) - ST_XMin(e.env)) AS scale
  FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) e
),
cells AS (
  SELECT sum(c.n)::int AS point_count, sum(c.sx) / sum(c.n) AS x, sum(c.sy) / sum(c.n) AS y
  FROM point_cluster c
  WHERE c.layer = {{layer_literal}} AND c.z = $1::int
    AND c.cx >= $2::int * 16 AND c.cx < $2::int * 16 + 16 AND c.cy >= $3::int * 16 AND c.cy < $3::int * 16 + 16
    AND c.community_code LIKE ANY ($4::text[])
  GROUP BY c.cx, c.cy
  HAVING sum(c.n) > 0
)
SELECT c.point_count,
       ST_AsGeoJSON(ST_SnapToGrid(ST_Affine(ST_SetSRID(ST_MakePoint(c.x, c.y), 3857), b.scale, 0, 0, -b.scale, -b.xmin * b.scale, b.ymax * b.scale), 1), 0) AS geom
FROM cells c, bounds b
