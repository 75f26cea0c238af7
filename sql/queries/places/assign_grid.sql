-- The current base grid of register rows (place, unit, organisation; the table identifier comes
-- from our own code), from their point: the geocoder's rule (the containing current base grid with
-- the smallest code), among the grids of the row's own community so a row never names a grid
-- outside its jurisdiction; null for rows without a point or outside every grid.
UPDATE ?? AS t
SET grid_code = (
  SELECT g.code FROM grid g
  WHERE g.kind = 'base' AND g.valid_to IS NULL AND g.community_code = t.community_code
    AND ST_Intersects(g.geom, t.geom)
  ORDER BY g.code LIMIT 1)
WHERE t.id = ANY(?::bigint[])
