-- A dense point layer at low zoom, aggregated by PostGIS (ST_AsMVT): one feature per occupied
-- cell of a 16 × 16 grid laid on the tile (cells of 256/4096 of a tile), placed at the mean of
-- its points and carrying point_count. Cells are aligned with the tile, so every point counts in
-- exactly one tile and the clusters do not change when the map pans. Bindings as mvt_layer.sql.
WITH bounds AS (
  SELECT ST_XMin(e.env) AS xmin, ST_XMax(e.env) AS xmax, ST_YMin(e.env) AS ymin, ST_YMax(e.env) AS ymax,
         4096 / (ST_XMax(e.env) - ST_XMin(e.env)) AS scale, e.env, ST_Transform(e.env, 4490) AS env4490
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
  -- half-open on the tile edges so a point on a shared edge counts once
  WHERE ST_X(p.g) >= b.xmin AND ST_X(p.g) < b.xmax AND ST_Y(p.g) > b.ymin AND ST_Y(p.g) <= b.ymax
  GROUP BY floor((ST_X(p.g) - b.xmin) * b.scale / 256), floor((b.ymax - ST_Y(p.g)) * b.scale / 256)
),
features AS MATERIALIZED (
  SELECT c.point_count, ST_AsMVTGeom(c.g, b.env, 4096, 64, true) AS geom FROM cells c, bounds b
)
SELECT ST_AsMVT(features, $5::text, 4096, 'geom') AS tile FROM features WHERE geom IS NOT NULL
