-- Grid sizing (网格规模, Jinan 5.1.1 c; the Anhui standard's 300-500 households a base grid): every
-- current base grid of the city with its households (declared on the grid, and counted in the
-- households register), its members (active assignments, volunteers left out), the events reported
-- in it over the window, and its workload per member; the city's median workload comes with every row,
-- then the rows are cut to the requested area inside the caller's jurisdiction.
-- Bindings: city (LIKE pattern of the city), area (LIKE pattern of the area), patterns (the
-- caller's jurisdiction, text[]), since.
WITH city_grids AS (
  SELECT g.code, g.name, g.community_code, g.households, g.population, ST_Area(g.geom::geography) AS area_m2
  FROM grid g
  WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code LIKE :city
), members AS (
  SELECT a.grid_code, count(DISTINCT a.member_id) AS n
  FROM grid_assignment a
  JOIN grid_member m ON m.id = a.member_id AND m.active AND m.duty <> 'volunteer'
  WHERE a.valid_to IS NULL
  GROUP BY a.grid_code
), reported AS (
  SELECT e.grid_code, count(*) AS n
  FROM event e
  WHERE e.created_at >= :since AND e.community_code LIKE :city
  GROUP BY e.grid_code
), registered AS (
  SELECT h.grid_code, count(*) AS n
  FROM household h
  WHERE h.community_code LIKE :city
  GROUP BY h.grid_code
), loads AS (
  SELECT c.*, coalesce(m.n, 0) AS members, coalesce(r.n, 0) AS events, coalesce(hh.n, 0) AS registered_households,
    coalesce(r.n, 0)::float8 / greatest(coalesce(m.n, 0), 1) AS workload
  FROM city_grids c
  LEFT JOIN members m ON m.grid_code = c.code
  LEFT JOIN reported r ON r.grid_code = c.code
  LEFT JOIN registered hh ON hh.grid_code = c.code
), median AS (
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY workload) AS workload FROM loads
)
SELECT l.code, l.name, l.community_code, l.households, l.population, l.area_m2, l.members, l.events,
  l.registered_households, l.workload, median.workload AS median_workload
FROM loads l CROSS JOIN median
WHERE l.community_code LIKE :area AND l.community_code LIKE ANY (CAST(:patterns AS text[]))
ORDER BY l.code
