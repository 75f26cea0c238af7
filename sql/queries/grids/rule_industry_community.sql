-- An industry grid may cross community boundaries (its cells follow the trade, not the
-- administration), but the community embedded in its code must hold part of its area.
SELECT c.idx, c.code, 'industry_community' AS rule,
       format('industry grid does not share any area with community %s named in its code', a.code) AS message,
       ST_AsGeoJSON(ST_PointOnSurface(c.geom), 7, 0) AS location,
       a.code::text AS other_code, NULL::float8 AS area_m2
FROM grid_candidate c
JOIN admin_division a ON a.code = c.community_code AND a.level = 'community'
WHERE c.kind = 'industry' AND ST_IsValid(c.geom)
  AND ST_Area(ST_Intersection(c.geom, a.geom)::geography) <= :tolerance
ORDER BY c.idx
