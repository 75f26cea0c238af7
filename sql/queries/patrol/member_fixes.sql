-- The valid fixes of some members in [from, to), by device and time: each device over the part
-- of the window its member carried it (device_binding), read by the position primary key.
SELECT DISTINCT ON (p.device_id, p.fixed_at) p.member_id, p.device_id, p.fixed_at, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat
FROM device_binding b
JOIN device d ON d.id = b.device_id
JOIN position p ON p.city_code = d.city_code AND p.device_id = b.device_id
 AND p.fixed_at >= :from AND p.fixed_at < :to
 AND p.fixed_at >= b.valid_from AND (b.valid_to IS NULL OR p.fixed_at < b.valid_to)
WHERE b.member_id = ANY(CAST(:memberIds AS bigint[])) AND b.valid_from < :to AND (b.valid_to IS NULL OR b.valid_to > :from)
  AND p.filter IS NULL AND p.member_id = b.member_id
ORDER BY p.device_id, p.fixed_at
