-- Where a register row lies, for a write: the current base grid containing its point (the smallest
-- code on a shared edge, as geocode/locate.sql) and that grid's community, else the community
-- polygon containing the point; the community of a grid named without a point; and whether the
-- admin area named for the row exists. NULL inputs skip their part.
WITH pt AS (
  SELECT CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
         ELSE ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490) END AS geom
)
SELECT
  (SELECT g.code FROM grid g, pt
    WHERE pt.geom IS NOT NULL AND g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, pt.geom)
    ORDER BY g.code LIMIT 1) AS point_grid,
  (SELECT a.code FROM admin_division a, pt
    WHERE pt.geom IS NOT NULL AND a.level = 'community' AND ST_Intersects(a.geom, pt.geom)
    ORDER BY a.code LIMIT 1) AS point_community,
  (SELECT g.community_code FROM grid g
    WHERE g.code = CAST(:gridCode AS text) AND g.kind = 'base' AND g.valid_to IS NULL) AS grid_community,
  EXISTS (SELECT 1 FROM admin_division a WHERE a.code = CAST(:communityCode AS text)) AS community_known
