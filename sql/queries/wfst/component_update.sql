-- WFS-T Update of components: writes the staged, judged rows (component_candidate, the import's
-- staging table) over the stored ones; each is geocoded again to the current base grid
-- containing it, as component_insert does. The version and updated_at move by trigger (0045).
UPDATE component k
SET name = c.name, state = c.state, material = c.material, geom = c.geom,
    community_code = c.community_code, city_code = substr(c.community_code, 1, 4) || '00',
    grid_code = (SELECT g.code FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, c.geom)
                 ORDER BY g.code LIMIT 1)
FROM component_candidate c
WHERE k.id = c.id
