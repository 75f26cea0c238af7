-- A circle fence: the centre buffered by the radius in metres on the geography type (PostGIS
-- buffers in a best-fit planar projection, the UTM zone at city scale, and projects back), with
-- 32 segments a quadrant: a 128-gon whose area is within 0.05 % of πr². The geography comes
-- back as SRID 4326; CGCS2000 and WGS84 agree to centimetres, so it is relabelled 4490.
SELECT ST_Multi(ST_SetSRID(
         ST_Buffer(ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490)::geography,
                   CAST(:radius AS float8), 'quad_segs=32')::geometry, 4490))::text AS geom,
       true AS valid, NULL::text AS reason, NULL::float8 AS lon, NULL::float8 AS lat, NULL::text[] AS missing
