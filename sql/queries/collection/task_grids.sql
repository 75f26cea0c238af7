-- The current grids (base or industry) among the given codes that lie in the caller's
-- jurisdiction, with their community: a task may only name these.
SELECT DISTINCT ON (g.code) g.code, g.community_code
FROM grid g
WHERE g.code = ANY(CAST(:codes AS text[]))
  AND g.valid_to IS NULL
  AND g.city_code = :city
  AND g.community_code LIKE ANY(CAST(:patterns AS text[]))
ORDER BY g.code
