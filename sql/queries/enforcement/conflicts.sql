-- The conflicts (回避) that apply to a draw: pool officers barred from candidate objects.
SELECT c.officer_id, c.object_id
FROM enforcement_conflict c
WHERE c.object_type = CAST(:objectType AS text)
  AND c.officer_id = ANY (CAST(:pool AS bigint[]))
  AND c.object_id = ANY (CAST(:candidates AS bigint[]))
ORDER BY c.officer_id, c.object_id
