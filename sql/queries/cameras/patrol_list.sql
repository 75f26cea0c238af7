-- Video patrol rounds a caller may see, with their progress, newest shift first. A round is
-- visible to the member it is assigned to, and to a caller whose jurisdiction holds every camera
-- of the round (a round reaching into another street is not that street's to read).
SELECT p.id, p.name, p.shift_date::text AS shift_date, p.shift, p.assignee_user_id, u.display_name AS assignee_name,
       p.created_at, count(*)::int AS stops,
       (count(*) FILTER (WHERE s.state <> 'pending'))::int AS checked,
       (count(*) FILTER (WHERE s.state = 'finding'))::int AS findings
FROM camera_patrol p
JOIN app_user u ON u.id = p.assignee_user_id
JOIN camera_patrol_stop s ON s.patrol_id = p.id
JOIN camera c ON c.id = s.camera_id
WHERE (CAST(:id AS bigint) IS NULL OR p.id = :id)
  AND (CAST(:date AS date) IS NULL OR p.shift_date = CAST(:date AS date))
  AND (CAST(:assignee AS bigint) IS NULL OR p.assignee_user_id = :assignee)
GROUP BY p.id, u.display_name
HAVING (p.assignee_user_id = CAST(:userId AS bigint) OR bool_and(c.community_code LIKE ANY(CAST(:patterns AS text[]))))
   AND (CAST(:status AS text) IS NULL
        OR (CAST(:status AS text) = 'open') = (count(*) FILTER (WHERE s.state = 'pending') > 0))
ORDER BY p.shift_date DESC, p.id DESC
LIMIT :limit OFFSET :offset
