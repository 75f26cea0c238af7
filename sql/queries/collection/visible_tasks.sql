-- Collection tasks a caller sees, with the counts of their returns by status. Staff see a task
-- when one of its communities lies in their jurisdiction; an inspector (member_user given) when
-- one of its grids is assigned to him now. id narrows to one task; open to those whose
-- deadline has not passed.
SELECT t.id, t.form_id, t.title, t.grid_codes, t.community_codes, t.deadline, t.created_at, u.username AS created_by,
  count(r.id) FILTER (WHERE r.status = 'submitted') AS submitted,
  count(r.id) FILTER (WHERE r.status = 'accepted') AS accepted,
  count(r.id) FILTER (WHERE r.status = 'returned') AS returned
FROM collection_task t
LEFT JOIN app_user u ON u.id = t.created_by
LEFT JOIN collection_return r ON r.task_id = t.id
WHERE t.city_code = :city
  AND (CAST(:id AS bigint) IS NULL OR t.id = CAST(:id AS bigint))
  AND (NOT CAST(:open AS boolean) OR t.deadline > now())
  AND CASE WHEN CAST(:member_user AS bigint) IS NULL
    THEN EXISTS (SELECT 1 FROM unnest(t.community_codes) c WHERE c LIKE ANY(CAST(:patterns AS text[])))
    ELSE t.grid_codes && ARRAY(
      SELECT a.grid_code::text FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id
      WHERE m.user_id = CAST(:member_user AS bigint) AND m.active AND a.valid_to IS NULL)
  END
GROUP BY t.id, u.username
ORDER BY t.deadline, t.id
LIMIT 500
