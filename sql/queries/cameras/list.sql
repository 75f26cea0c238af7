-- Cameras inside a jurisdiction, optionally of one kind or one GB/T 28181 device; keyset paging by id.
SELECT c.id, c.name, c.kind, c.owner, c.gb_device_id, c.gb_channel_id, c.stream_url_template, c.direction,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, ST_AsGeoJSON(c.fov, 7)::json AS fov,
       c.community_code, c.created_at, c.updated_at
FROM camera c
WHERE c.community_code LIKE ANY(CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR c.id = :id)
  AND (CAST(:kind AS text) IS NULL OR c.kind = :kind)
  AND (CAST(:deviceId AS text) IS NULL OR c.gb_device_id = :deviceId)
  AND (CAST(:after AS bigint) IS NULL OR c.id > :after)
ORDER BY c.id
LIMIT :limit
