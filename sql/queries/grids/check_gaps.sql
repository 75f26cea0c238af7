-- Gaps a write would leave (advice, never a refusal): the parts of a base candidate's community
-- covered by no current base grid nor candidate that touch both the candidate and another current
-- base grid. A thin part (mean width 2·area/perimeter below the sliver width, metres) is a sliver,
-- what snapping to the neighbours avoids, wherever it lies; a wider part is a gap only when grids
-- enclose it (it does not reach the community boundary): an open remainder of a community not yet
-- divided into grids is not a fault of this drawing. Parts below the area tolerance (m²) are rounding.
-- Runs on the staged grid_candidate table, after the rows a write replaces were closed.
WITH cand AS (
  SELECT idx, code, community_code, geom FROM grid_candidate WHERE kind = 'base' AND ST_IsValid(geom)
), comm AS (
  SELECT a.code, a.geom FROM admin_division a
  WHERE a.level = 'community' AND a.code IN (SELECT community_code FROM cand)
), covered AS (
  SELECT m.code, ST_UnaryUnion(ST_Collect(x.geom)) AS geom
  FROM comm m
  CROSS JOIN LATERAL (
    SELECT g.geom FROM grid g WHERE g.valid_to IS NULL AND g.kind = 'base' AND g.geom && m.geom
    UNION ALL
    SELECT c.geom FROM cand c WHERE c.geom && m.geom
  ) AS x
  GROUP BY m.code
), parts AS (
  SELECT m.code AS community, ST_Boundary(m.geom) AS edge, (ST_Dump(ST_CollectionExtract(ST_Difference(m.geom, v.geom), 3))).geom AS geom
  FROM comm m JOIN covered v ON v.code = m.code
)
SELECT c.idx, c.code, CASE WHEN w.width_m < :sliverWidth THEN 'sliver_gap' ELSE 'gap' END AS rule,
       format('leaves %s m² (mean width %s m) covered by no grid between it and grid %s',
              round(a.area_m2::numeric, 1), round(w.width_m::numeric, 1), n.code) AS message,
       ST_AsGeoJSON(p.geom, 7, 0) AS location, n.code::text AS other_code, a.area_m2
FROM cand c
JOIN parts p ON p.community = c.community_code AND p.geom && ST_Expand(c.geom, 1e-6) AND ST_DWithin(p.geom, c.geom, 1e-7)
CROSS JOIN LATERAL (SELECT ST_Area(p.geom::geography) AS area_m2, ST_Perimeter(p.geom::geography) AS perimeter_m) AS a
CROSS JOIN LATERAL (SELECT 2 * a.area_m2 / nullif(a.perimeter_m, 0) AS width_m) AS w
CROSS JOIN LATERAL (
  SELECT g.code FROM grid g
  WHERE g.valid_to IS NULL AND g.kind = 'base' AND g.geom && ST_Expand(p.geom, 1e-6) AND ST_DWithin(g.geom, p.geom, 1e-7)
  ORDER BY g.code LIMIT 1
) AS n
WHERE a.area_m2 > :tolerance AND (w.width_m < :sliverWidth OR NOT ST_DWithin(p.geom, p.edge, 1e-7))
ORDER BY c.idx, a.area_m2 DESC
