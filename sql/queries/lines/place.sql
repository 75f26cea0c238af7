-- Where each of a batch of lines lies, before it is written: its length in metres on the spheroid
-- (ST_Length of the geography), the community holding the largest part of its length (the line's
-- jurisdiction; null when it crosses no community of the city) and the current base grid holding
-- the largest part (null outside every grid). Ties go to the smaller code. Each candidate is one
-- GiST probe (admin_division_geom_idx, grid_geom_idx).
WITH g AS (
  SELECT r.ord, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4490)) AS geom
  FROM json_to_recordset(CAST(:rows AS json)) AS r(ord int, geom text)
)
SELECT g.ord,
  ST_Length(g.geom::geography) AS length_m,
  (SELECT a.code FROM admin_division a
    WHERE a.level = 'community' AND a.city_code = :city AND ST_Intersects(a.geom, g.geom)
    ORDER BY ST_Length(ST_Intersection(a.geom, g.geom)::geography) DESC, a.code LIMIT 1) AS community_code,
  (SELECT gr.code FROM grid gr
    WHERE gr.kind = 'base' AND gr.valid_to IS NULL AND gr.city_code = :city AND ST_Intersects(gr.geom, g.geom)
    ORDER BY ST_Length(ST_Intersection(gr.geom, g.geom)::geography) DESC, gr.code LIMIT 1) AS grid_code
FROM g
ORDER BY g.ord
