-- The accounts of the active inspectors assigned (now) to any of the given grids: who is told of
-- a collection task.
SELECT DISTINCT m.user_id
FROM grid_assignment a
JOIN grid_member m ON m.id = a.member_id
WHERE a.grid_code = ANY(CAST(:codes AS text[]))
  AND a.valid_to IS NULL
  AND m.active
  AND m.user_id IS NOT NULL
