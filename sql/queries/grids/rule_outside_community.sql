-- A base grid must lie inside its community. ST_CoveredBy answers the common case cheaply; only
-- when it fails is the part outside computed, and slivers below the tolerance (m², on the
-- ellipsoid) are forgiven: they come from coordinate rounding, not from a wrong boundary.
SELECT c.idx, c.code, 'outside_community' AS rule,
       format('base grid extends %s m² outside its community %s', round(ST_Area(d.outside::geography)::numeric, 1), a.code) AS message,
       ST_AsGeoJSON(d.outside, 7, 0) AS location,
       a.code::text AS other_code, ST_Area(d.outside::geography) AS area_m2
FROM grid_candidate c
JOIN admin_division a ON a.code = c.community_code AND a.level = 'community'
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Difference(c.geom, a.geom), 3) AS outside) AS d
WHERE c.kind = 'base' AND ST_IsValid(c.geom) AND NOT ST_CoveredBy(c.geom, a.geom)
  AND ST_Area(d.outside::geography) > :tolerance
ORDER BY c.idx
