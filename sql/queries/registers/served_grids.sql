-- The base grids the principal serves now as a grid member (一员多格): its current assignments.
SELECT DISTINCT a.grid_code
FROM grid_member m
JOIN grid_assignment a ON a.member_id = m.id
WHERE m.user_id = :userId
  AND m.active
  AND a.valid_from <= now()
  AND (a.valid_to IS NULL OR a.valid_to > now())
