-- The accounts of the members serving a base grid now (the grid's inspectors).
SELECT DISTINCT m.user_id
FROM grid_member m
JOIN grid_assignment a ON a.member_id = m.id
WHERE a.grid_code = :grid
  AND m.active
  AND m.user_id IS NOT NULL
  AND a.valid_from <= now()
  AND (a.valid_to IS NULL OR a.valid_to > now())
