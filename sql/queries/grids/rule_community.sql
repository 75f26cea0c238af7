-- The community a candidate names must exist as a community (level 'community').
SELECT c.idx, c.code, 'unknown_community' AS rule,
       format('community %s does not exist', c.community_code) AS message,
       ST_AsGeoJSON(ST_PointOnSurface(ST_Envelope(c.geom)), 7, 0) AS location,
       NULL::text AS other_code, NULL::float8 AS area_m2
FROM grid_candidate c
WHERE NOT EXISTS (SELECT 1 FROM admin_division a WHERE a.code = c.community_code AND a.level = 'community')
ORDER BY c.idx
