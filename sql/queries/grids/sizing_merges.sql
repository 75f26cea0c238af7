-- Merge candidates of one grid: the current base grids of its community that share an edge with it
-- (boundaries meeting along a line, DE-9IM ****1****; POST /grids/merge refuses grids that only
-- touch at a corner), with their declared and registered households and the events of the window (since).
-- Bindings: code, since.
WITH g AS (
  SELECT code, community_code, geom FROM grid WHERE code = :code AND valid_to IS NULL
)
SELECT n.code, n.name, n.households,
  (SELECT count(*) FROM household h WHERE h.grid_code = n.code) AS registered_households,
  (SELECT count(*) FROM event e WHERE e.grid_code = n.code AND e.created_at >= :since) AS events,
  ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(g.geom), ST_Boundary(n.geom)), 2)::geography) AS shared_m
FROM g
JOIN grid n ON n.kind = 'base' AND n.valid_to IS NULL AND n.code <> g.code AND n.community_code = g.community_code
  AND n.geom && g.geom AND ST_Relate(n.geom, g.geom, '****1****')
ORDER BY n.code
