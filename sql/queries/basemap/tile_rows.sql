-- The base map tile as rows, for the Node encoder (PostGIS without protobuf: the embedded
-- PGlite). Same bindings, filters, merging and order as tile_mvt.sql; the geometry is brought
-- into tile pixel space as tiles/rows_layer.sql does (transform, affine map onto 0..4096 with y
-- down, clip to the buffered box, snap to whole pixels). One round trip: the four layers are
-- one UNION ALL, told apart by `layer`; ring orientation is fixed in tiles/encoder.ts.
WITH bounds AS (
  SELECT ST_XMin(e.env) AS xmin, ST_YMax(e.env) AS ymax, 4096 / (ST_XMax(e.env) - ST_XMin(e.env)) AS scale,
         e.env4490, e.exact4490, e.tolerance
  FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
               ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4490) AS env4490,
               ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int), 4490) AS exact4490,
               360.0 / (4096 * 2 ^ $1::int) AS tolerance) e
),
source AS (
  SELECT 1 AS n, 'water' AS layer, t.name, t.kind, NULL::int AS rank, ST_Simplify(t.geom, b.tolerance, true) AS g, lpad(t.id::text, 20, '0') AS k
  FROM water_area t, bounds b
  WHERE t.geom && b.env4490 AND ST_Area(t.geom) >= $4::float8
  UNION ALL
  SELECT 2, 'waterway', t.name, t.kind, NULL, ST_Simplify(t.geom, b.tolerance), lpad(t.id::text, 20, '0')
  FROM water_line t, bounds b
  WHERE t.geom && b.env4490 AND t.kind = ANY ($5::text[])
  UNION ALL
  SELECT 3, 'roads', m.name, m.kind, NULL, ST_Simplify(m.geom, b.tolerance), m.kind || m.name
  FROM (SELECT t.name, t.kind, ST_LineMerge(ST_Collect(d.geom)) AS geom
        FROM road t CROSS JOIN bounds b CROSS JOIN LATERAL ST_Dump(t.geom) d
        WHERE t.geom && b.env4490 AND t.kind = ANY ($6::text[])
        GROUP BY t.name, t.kind) m, bounds b
  UNION ALL
  SELECT 4, 'places', t.name, t.kind, t.rank, t.geom, lpad(t.rank::text, 2, '0') || lpad(t.id::text, 20, '0')
  FROM place_name t, bounds b
  WHERE t.geom && b.exact4490 AND t.rank <= $7::int
),
features AS MATERIALIZED (
  SELECT s.n, s.k, s.layer, s.name, s.kind, s.rank,
         ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_ClipByBox2D(
           ST_Affine(ST_Transform(s.g, 3857), b.scale, 0, 0, -b.scale, -b.xmin * b.scale, b.ymax * b.scale),
           ST_MakeEnvelope(-64, -64, 4160, 4160)::box2d), 1)) AS geom
  FROM source s, bounds b
)
SELECT layer, name, kind, rank, ST_AsGeoJSON(geom, 0) AS geom FROM features
WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)
ORDER BY n, k
