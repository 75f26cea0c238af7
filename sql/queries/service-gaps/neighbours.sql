-- The communities of the caller's jurisdiction around the communities asked for (in their box
-- widened by twice the reach) but not among them: their people fall in the catchments of facilities
-- near the area's edge, so a facility's capacity ratio is the same whatever area is asked for.
WITH box AS (
  SELECT ST_Expand(ST_Envelope(ST_Collect(d.geom)), :dx, :dy) AS b
  FROM admin_division d WHERE d.code = ANY(:codes::text[])
)
SELECT c.code
FROM admin_division c, box
WHERE c.level = 'community' AND c.geom && box.b AND c.code LIKE ANY(:patterns::text[])
  AND NOT (c.code = ANY(:codes::text[]))
ORDER BY c.code
