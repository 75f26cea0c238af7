-- Whose tracks count toward a grid's coverage on a day: the members assigned to the grid that
-- day and the active members of its community.
SELECT DISTINCT m.id
FROM grid_member m
LEFT JOIN grid_assignment a ON a.member_id = m.id AND a.grid_code = :grid
 AND a.valid_from < :to AND (a.valid_to IS NULL OR a.valid_to > :from)
WHERE a.member_id IS NOT NULL OR (m.community_code = :community AND m.active)
ORDER BY m.id
