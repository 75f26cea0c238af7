-- One layer of one vector tile, encoded by PostGIS (ST_AsMVT). The double-brace markers are filled once
-- per layer at start-up with quoted identifiers and expressions from the layer catalogue; every
-- request value is bound: $1 z, $2 x, $3 y, $4 jurisdiction LIKE patterns, $5 layer name.
-- Why two envelopes: the bbox test runs in the storage CRS (4490) so the GiST index on t.geom
-- is used and only matching rows are transformed; that envelope carries the 64/4096 buffer
-- margin so features drawn in the tile's buffer are not lost. {{geometry}} simplifies polygons
-- in 4490 to half a tile pixel (b.tolerance) BEFORE the transform: transforming vertices the
-- tile cannot show is most of the cost of a low-zoom tile. MATERIALIZED: otherwise the planner
-- pushes `geom IS NOT NULL` into the scan and runs ST_AsMVTGeom twice per row.
WITH bounds AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
         ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4490) AS env4490,
         360.0 / (4096 * 2 ^ $1::int) / 2 AS tolerance
),
features AS MATERIALIZED (
  SELECT {{attributes}},
         ST_AsMVTGeom(ST_Transform({{geometry}}, 3857), b.env, 4096, 64, true) AS geom
  FROM {{table}} t, bounds b
  WHERE t.geom && b.env4490 AND ({{where}}) AND {{admin_column}} LIKE ANY ($4::text[])
    AND serial_plan() -- never a parallel plan: migration 0049
)
SELECT ST_AsMVT(features, $5::text, 4096, 'geom') AS tile FROM features WHERE geom IS NOT NULL
