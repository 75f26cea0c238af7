-- One layer of one vector tile as rows, for the Node encoder (PostGIS without protobuf, e.g. the
-- embedded PGlite). Same markers, bindings ($1-$4; the layer name is set in Node), bbox filter and simplification as mvt_layer.sql; the
-- geometry is brought into tile pixel space here the way ST_AsMVTGeom does it: transform to 3857,
-- affine map of the tile envelope onto 0..4096 with y pointing down, clip to the buffered box
-- (-64..4160), snap to whole pixels and drop repeated points. Ring orientation and collapsed
-- rings are dealt with in tiles/encoder.ts.
WITH bounds AS (
  SELECT ST_XMin(e.env) AS xmin, ST_YMax(e.env) AS ymax, 4096 / (ST_XMax(e.env) - ST_XMin(e.env)) AS scale,
         e.env4490, e.tolerance
  FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
               ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4490) AS env4490,
               360.0 / (4096 * 2 ^ $1::int) / 2 AS tolerance) e
),
features AS MATERIALIZED (
  SELECT {{attributes}},
         ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_ClipByBox2D(
           ST_Affine(ST_Transform({{geometry}}, 3857), b.scale, 0, 0, -b.scale, -b.xmin * b.scale, b.ymax * b.scale),
           ST_MakeEnvelope(-64, -64, 4160, 4160)::box2d), 1)) AS geom
  FROM {{table}} t, bounds b
  WHERE t.geom && b.env4490 AND ({{where}}) AND {{admin_column}} LIKE ANY ($4::text[])
    AND serial_plan() -- never a parallel plan: migration 0049
)
SELECT {{attribute_names}}, ST_AsGeoJSON(geom, 0) AS geom FROM features
WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
