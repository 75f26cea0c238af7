-- Writes judged components; each is geocoded to the current base grid containing it.
INSERT INTO component (id, class_code, name, state, grid_code, community_code, city_code, material, data_source, geom)
SELECT c.id, substr(c.id, 7, 4), c.name, c.state,
       (SELECT g.code FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, c.geom) ORDER BY g.code LIMIT 1),
       c.community_code, substr(c.community_code, 1, 4) || '00', c.material, 'import', c.geom
FROM component_candidate c
ORDER BY c.idx
