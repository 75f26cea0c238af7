-- Devices inside a jurisdiction (the device's area or its member's community), with the
-- current member and the live position's status. Keyset paging by identifier.
SELECT d.id, d.identifier, d.kind, d.name, d.admin_code, d.city_code, d.member_id, m.name AS member_name,
       d.osmand_requires_token, d.disabled, d.token_prefix IS NOT NULL AS has_token, d.created_at, d.updated_at,
       l.fixed_at, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, l.grid_code, l.battery,
       CASE WHEN l.device_id IS NULL THEN 'never' ELSE device_status(l.fixed_at, l.still_since, now()) END AS status
FROM device d
LEFT JOIN grid_member m ON m.id = d.member_id
LEFT JOIN device_live l ON l.device_id = d.id
WHERE (d.admin_code LIKE ANY(CAST(:patterns AS text[])) OR m.community_code LIKE ANY(CAST(:patterns AS text[])))
  AND (CAST(:identifier AS text) IS NULL OR d.identifier = :identifier)
  AND (CAST(:memberId AS bigint) IS NULL OR d.member_id = :memberId)
  AND (CAST(:kind AS text) IS NULL OR d.kind = :kind)
  AND (CAST(:after AS text) IS NULL OR d.identifier > :after)
ORDER BY d.identifier
LIMIT :limit
