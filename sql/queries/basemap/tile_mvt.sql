-- The base map tile (/tiles/basemap), encoded by PostGIS: four MVT layers in one tile, each one
-- ST_AsMVT over its features, concatenated (an MVT tile is a repeated `layers` field).
-- Public base geography: no jurisdiction filter. Generalisation by zoom comes in as bound values
-- (server/basemap/generalise.ts): $1 z, $2 x, $3 y, $4 smallest water area drawn (square
-- degrees), $5 waterway kinds, $6 road kinds, $7 largest place rank.
-- Roads are merged per name and kind (a road is stored cut at every community boundary): one
-- feature per road in the tile, fewer bytes and one name along it instead of one per piece.
-- Places come only from the tile itself (no buffer): a label is drawn once, not by two tiles.
WITH bounds AS (
  SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env,
         ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 64.0 / 4096), 4490) AS env4490,
         ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int), 4490) AS exact4490,
         360.0 / (4096 * 2 ^ $1::int) AS tolerance
),
water AS MATERIALIZED (
  SELECT t.name, t.kind, ST_AsMVTGeom(ST_Transform(ST_Simplify(t.geom, b.tolerance, true), 3857), b.env, 4096, 64, true) AS geom
  FROM water_area t, bounds b
  WHERE t.geom && b.env4490 AND ST_Area(t.geom) >= $4::float8
  ORDER BY t.id
),
waterway AS MATERIALIZED (
  SELECT t.name, t.kind, ST_AsMVTGeom(ST_Transform(ST_Simplify(t.geom, b.tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM water_line t, bounds b
  WHERE t.geom && b.env4490 AND t.kind = ANY ($5::text[])
  ORDER BY t.id
),
merged AS (
  SELECT t.name, t.kind, ST_LineMerge(ST_Collect(d.geom)) AS geom
  FROM road t CROSS JOIN bounds b CROSS JOIN LATERAL ST_Dump(t.geom) d
  WHERE t.geom && b.env4490 AND t.kind = ANY ($6::text[])
  GROUP BY t.name, t.kind
),
roads AS MATERIALIZED (
  SELECT m.name, m.kind, ST_AsMVTGeom(ST_Transform(ST_Simplify(m.geom, b.tolerance), 3857), b.env, 4096, 64, true) AS geom
  FROM merged m, bounds b
  ORDER BY m.kind, m.name
),
places AS MATERIALIZED (
  SELECT t.name, t.kind, t.rank, ST_AsMVTGeom(ST_Transform(t.geom, 3857), b.env, 4096, 0, false) AS geom
  FROM place_name t, bounds b
  WHERE t.geom && b.exact4490 AND t.rank <= $7::int
  ORDER BY t.rank, t.id
)
SELECT COALESCE((SELECT ST_AsMVT(q, 'water', 4096, 'geom') FROM water q WHERE q.geom IS NOT NULL), ''::bytea)
    || COALESCE((SELECT ST_AsMVT(q, 'waterway', 4096, 'geom') FROM waterway q WHERE q.geom IS NOT NULL), ''::bytea)
    || COALESCE((SELECT ST_AsMVT(q, 'roads', 4096, 'geom') FROM roads q WHERE q.geom IS NOT NULL), ''::bytea)
    || COALESCE((SELECT ST_AsMVT(q, 'places', 4096, 'geom') FROM places q WHERE q.geom IS NOT NULL), ''::bytea) AS tile
