-- The cameras inside a jurisdiction whose field of view covers a point, nearest camera first
-- (metres on the ellipsoid from the camera to the point; ties by id).
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4490) AS g)
SELECT c.id, c.name, c.kind, c.owner, c.gb_device_id, c.gb_channel_id, c.stream_url_template, c.direction,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, ST_AsGeoJSON(c.fov, 7)::json AS fov,
       c.community_code, c.created_at, c.updated_at,
       ST_Distance(c.geom::geography, p.g::geography) AS distance_m
FROM camera c, p
WHERE c.community_code LIKE ANY(CAST(:patterns AS text[]))
  AND ST_Covers(c.fov, p.g)
ORDER BY distance_m, c.id
LIMIT :limit
