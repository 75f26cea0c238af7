-- A removed field's values leave every component (see grid_strip).
UPDATE component SET extra = extra - CAST(:name AS text) WHERE extra -> CAST(:name AS text) IS NOT NULL
