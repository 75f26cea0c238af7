-- A drawn polygon fence (coordinates already converted to EPSG:4490 lon/lat): the area as hex
-- EWKB, and its OGC validity with the reason and the point where it fails (self-intersection,
-- ring self-intersection, hole outside its shell, too few points …). The engine tests
-- containment on this area: an invalid one would answer nonsense, so it is refused.
WITH g AS (
  SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(CAST(:geojson AS text)), 4490)) AS geom
), d AS (
  SELECT geom, ST_IsValidDetail(geom) AS detail FROM g
)
SELECT geom::text AS geom, (detail).valid AS valid, (detail).reason AS reason,
       ST_X((detail).location) AS lon, ST_Y((detail).location) AS lat, NULL::text[] AS missing
FROM d
