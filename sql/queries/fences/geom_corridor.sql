-- A corridor fence: the line buffered by half the width in metres on each side, round ends and
-- joins, on the geography type (best-fit planar projection, see geom_circle.sql). A line that
-- crosses itself gives one area: the buffer is a union.
SELECT ST_Multi(ST_SetSRID(
         ST_Buffer(ST_SetSRID(ST_GeomFromGeoJSON(CAST(:geojson AS text)), 4490)::geography,
                   CAST(:half AS float8), 'endcap=round join=round quad_segs=8')::geometry, 4490))::text AS geom,
       true AS valid, NULL::text AS reason, NULL::float8 AS lon, NULL::float8 AS lat, NULL::text[] AS missing
