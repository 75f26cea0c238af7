-- Communities tile their street: an imported community must not overlap an existing community
-- or an earlier one of the same file by more than the sliver tolerance.
SELECT c.idx, c.code, 'community_overlap' AS rule,
       format('overlaps community %s by %s m²', o.code, round(ST_Area(i.x::geography)::numeric, 1)) AS message,
       ST_AsGeoJSON(i.x, 7, 0) AS location, o.code AS other_code, ST_Area(i.x::geography) AS area_m2
FROM community_candidate c
CROSS JOIN LATERAL (
  SELECT a.code::text AS code, a.geom FROM admin_division a
  WHERE a.level = 'community' AND a.geom && c.geom AND ST_Relate(a.geom, c.geom, '2********')
  UNION ALL
  SELECT o.code, o.geom FROM community_candidate o
  WHERE o.idx < c.idx AND o.geom && c.geom AND ST_IsValid(o.geom) AND ST_Relate(o.geom, c.geom, '2********')
) AS o
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(c.geom, o.geom), 3) AS x) AS i
WHERE ST_IsValid(c.geom) AND ST_Area(i.x::geography) > :tolerance
ORDER BY c.idx, o.code
