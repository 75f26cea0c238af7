-- The accounts of the members serving the given base grids now, per grid (whom a task is for).
SELECT DISTINCT a.grid_code, m.user_id
FROM grid_member m
JOIN grid_assignment a ON a.member_id = m.id
WHERE a.grid_code = ANY(:grids::text[])
  AND m.active
  AND m.user_id IS NOT NULL
  AND a.valid_from <= now()
  AND (a.valid_to IS NULL OR a.valid_to > now())
