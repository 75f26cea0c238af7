-- The grids of an area whose stale records are due to be told to their primary member: stale
-- records and not told in the last few days (days), locked so two instances never tell twice.
-- With the account of the grid's active primary member, if it has one. Bindings: area, days.
SELECT q.grid_code, q.community_code, q.score, q.parts, q.stale, q.duplicates, q.computed_at,
  (SELECT m.user_id FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id AND m.active
    WHERE a.grid_code = q.grid_code AND a.valid_to IS NULL AND a.is_primary AND m.user_id IS NOT NULL
    ORDER BY a.valid_from LIMIT 1) AS user_id
FROM grid_data_quality q
WHERE q.community_code LIKE :area AND q.stale > 0
  AND (q.notified_at IS NULL OR q.notified_at < now() - CAST(:days AS integer) * interval '1 day')
ORDER BY q.grid_code
FOR UPDATE OF q SKIP LOCKED
