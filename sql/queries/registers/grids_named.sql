-- The current base grids among some codes (the member's served grids), with their names.
SELECT code, name, community_code
FROM grid
WHERE code = ANY(:codes::text[])
  AND kind = 'base'
  AND valid_to IS NULL
ORDER BY code
