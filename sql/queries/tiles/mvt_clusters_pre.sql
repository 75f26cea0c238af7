-- mvt_clusters.sql from the precomputed cells (migration 0015, point_cluster): the tile's 16 × 16
-- cells are the rows with cx in [16x, 16x + 16) and cy in [16y, 16y + 16) at this zoom, summed
-- over the communities the caller may see. Same features as counting the points, at a fraction
-- of the cost. Bindings as mvt_layer.sql; the layer name comes from the catalogue.
WITH bounds AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env
),
cells AS (
  SELECT sum(c.n)::int AS point_count, sum(c.sx) / sum(c.n) AS x, sum(c.sy) / sum(c.n) AS y
  FROM point_cluster c
  WHERE c.layer = {{layer_literal}} AND c.z = $1::int
    AND c.cx >= $2::int * 16 AND c.cx < $2::int * 16 + 16 AND c.cy >= $3::int * 16 AND c.cy < $3::int * 16 + 16
    AND c.community_code LIKE ANY ($4::text[])
  GROUP BY c.cx, c.cy
  HAVING sum(c.n) > 0
),
features AS MATERIALIZED (
  SELECT c.point_count, ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(c.x, c.y), 3857), b.env, 4096, 64, true) AS geom
  FROM cells c, bounds b
)
SELECT ST_AsMVT(features, $5::text, 4096, 'geom') AS tile FROM features WHERE geom IS NOT NULL
