-- Overlap: base grids must not overlap any current base grid; industry grids must not overlap a
-- current grid of the same industry type (types may overlap each other and base grids). The DE-9IM
-- pattern 2******** (interiors meet in an area) lets shared edges and corners through; the area
-- tolerance then forgives rounding slivers. Candidates are also checked against each other,
-- each pair once (reported on the later candidate). Rows being replaced by this write were
-- already closed in this transaction, so they are no longer current and never conflict.
SELECT c.idx, c.code,
       CASE c.kind WHEN 'base' THEN 'base_overlap' ELSE 'industry_overlap' END AS rule,
       format('overlaps %s %s by %s m²', CASE WHEN o.stored THEN 'grid' ELSE 'candidate' END, o.other_code,
              round(ST_Area(i.x::geography)::numeric, 1)) AS message,
       ST_AsGeoJSON(i.x, 7, 0) AS location, o.other_code, ST_Area(i.x::geography) AS area_m2
FROM grid_candidate c
CROSS JOIN LATERAL (
  SELECT g.code::text AS other_code, g.geom, true AS stored
  FROM grid g
  WHERE g.valid_to IS NULL AND g.kind = c.kind AND g.industry_type IS NOT DISTINCT FROM c.industry_type
    AND g.geom && c.geom AND ST_Relate(g.geom, c.geom, '2********')
  UNION ALL
  SELECT o.code, o.geom, false
  FROM grid_candidate o
  WHERE o.idx < c.idx AND o.kind = c.kind AND o.industry_type IS NOT DISTINCT FROM c.industry_type
    AND o.geom && c.geom AND ST_IsValid(o.geom) AND ST_Relate(o.geom, c.geom, '2********')
) AS o
CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(c.geom, o.geom), 3) AS x) AS i
WHERE ST_IsValid(c.geom) AND ST_Area(i.x::geography) > :tolerance
ORDER BY c.idx, o.other_code
