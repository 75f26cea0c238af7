-- The visits of one record (its jurisdiction checked by the caller first), newest first, keyset
-- pages on (visited_at, id).
SELECT v.id, v.visited_at, v.method, v.situation, v.notes, v.visitor_user_id, u.display_name AS visitor_name,
  v.visitor_member_id, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat, v.created_at,
  to_char(v.visited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM special_visit v
LEFT JOIN app_user u ON u.id = v.visitor_user_id
WHERE v.special_group_id = :id
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (v.visited_at, v.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY v.visited_at DESC, v.id DESC
LIMIT :limit
