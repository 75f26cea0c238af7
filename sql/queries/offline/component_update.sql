-- A component changed in the field: applied only while its version is still the one the package
-- was exported with (the optimistic check; the row trigger of migration 0045 bumps the version),
-- only inside its own community (the import's outside_community rule), and geocoded again to the
-- current base grid holding the point, as component_insert does. No row back: refused or stale.
UPDATE component c
SET name = :name, state = :state, material = :material,
    geom = p.geom,
    grid_code = (SELECT g.code FROM grid g WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, p.geom) ORDER BY g.code LIMIT 1)
FROM (SELECT ST_SetSRID(ST_MakePoint(:x, :y), 4490) AS geom) p
WHERE c.id = :id AND c.version = :version
  AND EXISTS (SELECT 1 FROM admin_division a WHERE a.code = c.community_code AND ST_Intersects(a.geom, p.geom))
RETURNING c.version
