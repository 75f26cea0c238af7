-- The current base grid a register view is asked for, if it lies in the caller's jurisdiction.
SELECT code, name, community_code
FROM grid
WHERE code = :code
  AND kind = 'base'
  AND valid_to IS NULL
  AND community_code LIKE ANY(:patterns::text[])
