-- The walkable network around the communities asked for: every road centre line in
-- their box widened by the reach (people walk across a community boundary to a shop on the other
-- side), snapped to 1e-7 degree and noded where two lines cross, so a crossing is a node both
-- roads share; then one row per straight segment with its geodesic length in metres. The roads
-- are stored cut at community boundaries: the pieces meet end to end and Node joins their ends.
WITH box AS (
  SELECT ST_Expand(ST_Envelope(ST_Collect(d.geom)), :dx, :dy) AS b
  FROM admin_division d WHERE d.code = ANY(:codes::text[])
), net AS (
  -- Node needs one MultiLineString: the roads' parts, not their MultiLineStrings, are collected
  SELECT ST_Node(ST_Collect(ST_SnapToGrid(part.geom, 0.0000001))) AS g
  FROM road r CROSS JOIN box CROSS JOIN LATERAL ST_Dump(r.geom) AS part
  WHERE r.geom && box.b
)
SELECT ST_X(ST_StartPoint(s.geom)) AS ax, ST_Y(ST_StartPoint(s.geom)) AS ay,
       ST_X(ST_EndPoint(s.geom)) AS bx, ST_Y(ST_EndPoint(s.geom)) AS by,
       ST_Length(CAST(s.geom AS geography)) AS length
FROM net, ST_DumpSegments(net.g) AS s
WHERE net.g IS NOT NULL
