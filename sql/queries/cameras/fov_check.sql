-- Whether a GeoJSON polygon is a valid polygon (and why not), and whether it holds the camera's point.
WITH f AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:fov), 4490) AS g)
SELECT ST_IsValid(f.g) AS valid, ST_IsValidReason(f.g) AS reason,
       ST_Intersects(f.g, ST_Buffer(ST_SetSRID(ST_MakePoint(:lon, :lat), 4490), 0.0005)) AS near_camera
FROM f
