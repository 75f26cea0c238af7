-- The live field force of a jurisdiction for the map: every enabled device with a live position
-- whose live row lies in the caller's area (the member's community, or the device's area while
-- nobody carries it: the same community the stream's 'position' messages name), with its member,
-- the member's community (unit), and what the status is computed from. Keyset paging by identifier.
SELECT d.identifier, d.kind, d.name, l.member_id, m.name AS member_name,
       l.community_code, a.name AS community_name, dep.name AS department_name,
       l.fixed_at, l.still_since, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, l.speed, l.bearing, l.battery, l.grid_code,
       device_status(l.fixed_at, l.still_since, now()) AS status
FROM device_live l
JOIN device d ON d.id = l.device_id
LEFT JOIN grid_member m ON m.id = l.member_id
LEFT JOIN admin_division a ON a.code = l.community_code
LEFT JOIN department dep ON dep.id = m.department_id
WHERE NOT d.disabled
  AND l.community_code LIKE ANY(CAST(:patterns AS text[]))
  AND (CAST(:after AS text) IS NULL OR d.identifier > :after)
ORDER BY d.identifier
LIMIT :limit
