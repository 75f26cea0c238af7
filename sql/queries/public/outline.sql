-- The outline of every city and its districts for the page before sign-in: public administrative
-- boundaries only (no grids, events or people), simplified coarsely so the answer stays a few
-- kilobytes: the tolerance is the area's own size (the side of a square of its area) divided by
-- "relative", so a 6 km² demo city keeps its shape and a 10,000 km² city drops its 100 m wiggles.
-- A point inside each area carries its name.
SELECT code, level, name, parent_code,
  ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, sqrt(ST_Area(geom)) / :relative), 5)::json AS geometry,
  ST_AsGeoJSON(ST_PointOnSurface(geom), 5)::json AS label
FROM admin_division
WHERE level IN ('city', 'district')
ORDER BY code
