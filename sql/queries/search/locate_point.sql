-- Search: the current base grid and community a typed coordinate lies in, if the caller's
-- jurisdiction covers it (a point on a shared boundary: the smallest code, as geocoding does).
SELECT g.code, g.name, a.name AS community_name
FROM grid g
JOIN admin_division a ON a.code = g.community_code
WHERE g.kind = 'base' AND g.valid_to IS NULL
  AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490))
  AND g.community_code LIKE ANY(:patterns::text[])
ORDER BY g.code
LIMIT 1
