-- Current member assignments of a grid, with the member's name and duty.
SELECT a.member_id, a.is_primary, a.valid_from, m.name, m.phone, m.duty, m.community_code, u.username
FROM grid_assignment a
JOIN grid_member m ON m.id = a.member_id
LEFT JOIN app_user u ON u.id = m.user_id
WHERE a.grid_code = ? AND a.valid_to IS NULL
ORDER BY a.is_primary DESC, m.name, a.member_id
