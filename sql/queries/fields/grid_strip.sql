-- A removed field's values leave every grid row (history too), so a field defined again under
-- the same name with another type never meets a value of the old one.
UPDATE grid SET extra = extra - CAST(:name AS text) WHERE extra -> CAST(:name AS text) IS NOT NULL
