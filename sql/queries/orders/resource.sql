-- The resource an order sends (POST /api/v1/resource-orders): a device by its identifier, or the
-- device of a member (the one with the freshest live fix), if the caller's jurisdiction covers
-- the resource's community (its member's, else the device's area: the order's community).
-- Disabled devices are never sent. With its live position, if any.
SELECT d.id, d.identifier, d.name, d.kind, d.city_code, d.member_id, m.name AS member_name,
       COALESCE(m.community_code, d.admin_code) AS community_code,
       l.fixed_at AS live_fixed_at, ST_X(l.geom) AS live_lon, ST_Y(l.geom) AS live_lat
FROM device d
LEFT JOIN grid_member m ON m.id = d.member_id
LEFT JOIN device_live l ON l.device_id = d.id
WHERE NOT d.disabled
  AND (CAST(:identifier AS text) IS NULL OR d.identifier = :identifier)
  AND (CAST(:memberId AS bigint) IS NULL OR d.member_id = :memberId)
  AND COALESCE(m.community_code, d.admin_code) LIKE ANY (CAST(:patterns AS text[]))
ORDER BY l.fixed_at DESC NULLS LAST, d.id
LIMIT 1
