-- The candidate objects (places or units) of a 双随机 draw, ascending ids (the draw's input order):
-- inside the area, of the given kinds and base grids, and not checked in the window
-- [asOf - days, asOf) (drawn for a check, a result recorded, or a register inspection). With
-- days = 0 the window is empty. The same query re-run with the recorded draw time on today's
-- registers is the verification's recomputation (objects registered since then show as added).
-- The table and the inspection's column naming it are identifiers from the caller's catalogue
-- (spotChecks.ts OBJECT_TABLES), never from the request; the object type is a bound value.
SELECT o.id
FROM :table: o
WHERE o.community_code LIKE :area
  AND (CAST(:kinds AS text[]) IS NULL OR o.kind = ANY (CAST(:kinds AS text[])))
  AND (CAST(:grids AS text[]) IS NULL OR o.grid_code = ANY (CAST(:grids AS text[])))
  AND NOT EXISTS (
    SELECT 1 FROM enforcement_check c
    WHERE c.object_type = :objectType AND c.object_id = o.id
      AND c.drawn_at >= CAST(:asOf AS timestamptz) - make_interval(days => CAST(:days AS integer)) AND c.drawn_at < CAST(:asOf AS timestamptz))
  AND NOT EXISTS (
    SELECT 1 FROM enforcement_result r
    WHERE r.object_type = :objectType AND r.object_id = o.id
      AND r.checked_at >= CAST(:asOf AS timestamptz) - make_interval(days => CAST(:days AS integer)) AND r.checked_at < CAST(:asOf AS timestamptz))
  AND NOT EXISTS (
    SELECT 1 FROM register_inspection i
    WHERE :inspected: = o.id
      AND i.inspected_at >= CAST(:asOf AS timestamptz) - make_interval(days => CAST(:days AS integer)) AND i.inspected_at < CAST(:asOf AS timestamptz))
ORDER BY o.id
