-- The visible admin divisions under one prefix, with the number of current base and industry
-- grids per community (grids are counted where they are, so the counts respect jurisdiction
-- like the divisions themselves).
SELECT a.code, a.level, a.name, a.parent_code,
       count(g.id) FILTER (WHERE g.kind = 'base') AS base_grids,
       count(g.id) FILTER (WHERE g.kind = 'industry') AS industry_grids
FROM admin_division a
LEFT JOIN grid g ON g.community_code = a.code AND g.valid_to IS NULL
WHERE a.code LIKE ANY(:patterns::text[]) AND a.code LIKE :root
GROUP BY a.code, a.level, a.name, a.parent_code
ORDER BY a.code
