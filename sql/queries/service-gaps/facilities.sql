-- The service facilities (places of the service kinds) in the box of the communities asked for,
-- widened by the reach: a facility across the boundary serves the houses near it. Only their
-- kind, point, community and capacity come back; names and managers are not part of the check.
WITH box AS (
  SELECT ST_Expand(ST_Envelope(ST_Collect(d.geom)), :dx, :dy) AS b
  FROM admin_division d WHERE d.code = ANY(:codes::text[])
)
SELECT p.id, p.kind, p.community_code, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.capacity
FROM place p, box
WHERE p.kind = ANY(:kinds::text[]) AND p.geom && box.b
ORDER BY p.id
