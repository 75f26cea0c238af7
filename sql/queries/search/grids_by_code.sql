-- Search: current grids (base and industry) whose code is or starts with the typed digits,
-- inside the caller's jurisdiction, through grid_current_code_pattern_idx (0028_search.sql).
SELECT g.code, g.name, g.kind, g.industry_type, t.name AS type_name, a.name AS community_name,
  ST_XMin(g.geom) AS xmin, ST_YMin(g.geom) AS ymin, ST_XMax(g.geom) AS xmax, ST_YMax(g.geom) AS ymax
FROM grid g
JOIN admin_division a ON a.code = g.community_code
LEFT JOIN industry_type t ON t.code = g.industry_type
WHERE g.valid_to IS NULL
  AND g.code LIKE :pattern
  AND g.community_code LIKE ANY(:patterns::text[])
ORDER BY g.code = :code DESC, g.kind, g.code
LIMIT :limit
