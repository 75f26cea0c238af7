-- Who carried a device when, newest first.
SELECT b.id, b.member_id, m.name AS member_name, b.valid_from, b.valid_to, u.username AS bound_by
FROM device_binding b
JOIN grid_member m ON m.id = b.member_id
LEFT JOIN app_user u ON u.id = b.bound_by
WHERE b.device_id = :deviceId
ORDER BY b.valid_from DESC, b.id DESC
