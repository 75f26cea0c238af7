-- Split candidates of one grid along its roads: every line of a road that crosses the grid cuts it
-- as POST /grids/{code}/split with that line would (split_by_line.sql: the parts west to east, then
-- north to south); kept when it makes exactly two parts. For each part: its area, the standard
-- addresses (doorplates) and the register's households that lie in it, and the events reported in
-- it over the window (since).
-- Bindings: code, since.
WITH lines AS (
  SELECT r.id AS road_id, r.name AS road_name, r.kind AS road_kind, d.path[1] AS piece, d.geom AS line, g.geom AS grid
  FROM grid g
  JOIN road r ON r.geom && g.geom AND ST_Intersects(r.geom, g.geom)
  CROSS JOIN LATERAL ST_Dump(r.geom) AS d
  WHERE g.code = :code AND g.valid_to IS NULL
), cuts AS (
  SELECT l.road_id, l.road_name, l.road_kind, l.piece, l.line,
    ARRAY(SELECT p.geom FROM ST_Dump(ST_CollectionExtract(ST_Split(l.grid, l.line), 3)) AS p
      ORDER BY ST_XMin(p.geom), ST_YMax(p.geom) DESC) AS parts
  FROM lines l
)
SELECT c.road_id, c.road_name, c.road_kind, ST_AsGeoJSON(c.line, 15, 0) AS line, s.side,
  ST_AsGeoJSON(ST_Multi(ST_ForcePolygonCCW(s.part)), 15, 0) AS part,
  ST_Area(s.part::geography) AS area_m2,
  (SELECT count(*) FROM std_address a WHERE a.level = 50 AND a.geom && s.part AND ST_Intersects(a.geom, s.part)) AS addresses,
  (SELECT count(*) FROM household h JOIN house o ON o.id = h.house_id
    WHERE o.geom && s.part AND ST_Intersects(o.geom, s.part)) AS registered_households,
  (SELECT count(*) FROM event e WHERE e.created_at >= :since AND e.geom && s.part AND ST_Intersects(e.geom, s.part)) AS events
FROM cuts c
CROSS JOIN LATERAL unnest(c.parts) WITH ORDINALITY AS s(part, side)
WHERE cardinality(c.parts) = 2
ORDER BY c.road_id, c.piece, s.side
