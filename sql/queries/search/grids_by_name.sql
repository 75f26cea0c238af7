-- Search: current grids of the city whose name contains the text, inside the caller's
-- jurisdiction: the exact name first, then names starting with it, then the shortest names.
-- A substring test over the city's current grids (thousands of rows; no pg_trgm on PGlite).
SELECT g.code, g.name, g.kind, g.industry_type, t.name AS type_name, a.name AS community_name,
  ST_XMin(g.geom) AS xmin, ST_YMin(g.geom) AS ymin, ST_XMax(g.geom) AS xmax, ST_YMax(g.geom) AS ymax,
  CASE WHEN g.name = :words::text THEN 0 WHEN starts_with(g.name, :words) THEN 1 ELSE 2 END AS rank
FROM grid g
JOIN admin_division a ON a.code = g.community_code
LEFT JOIN industry_type t ON t.code = g.industry_type
WHERE g.valid_to IS NULL
  AND g.city_code = :city
  AND strpos(g.name, :words) > 0
  AND g.community_code LIKE ANY(:patterns::text[])
ORDER BY rank, length(g.name), g.code
LIMIT :limit
