-- Overdue rectifications (整改超期): inspections that asked for one, not done, due before today,
-- of places and units inside the caller's jurisdiction; oldest due first, keyset by (due, id).
-- Bindings: today (date, twice), jurisdiction patterns, target filter (null: both; twice), community prefix
-- (null: all; twice), after-due (twice), after-id (nulls: first page), limit.
SELECT i.id, i.place_id, i.unit_id, i.community_code, i.inspected_at, i.inspector_id, i.inspector_name, i.result,
       i.rectified_at, i.rectification_note,
       i.findings, i.rectification_due::text AS rectification_due,
       coalesce(p.name, u.name) AS target_name, coalesce(p.kind, u.kind) AS target_kind,
       coalesce(p.grid_code, u.grid_code) AS grid_code,
       (?::date - i.rectification_due) AS days_overdue
FROM register_inspection i
LEFT JOIN place p ON p.id = i.place_id
LEFT JOIN unit u ON u.id = i.unit_id
WHERE i.rectification_due IS NOT NULL AND i.rectified_at IS NULL
  AND i.rectification_due < ?::date
  AND i.community_code LIKE ANY(?::text[])
  AND (?::text IS NULL OR (?::text = 'place') = (i.place_id IS NOT NULL))
  AND (?::text IS NULL OR i.community_code LIKE ?::text || '%')
  AND (?::date IS NULL OR (i.rectification_due, i.id) > (?::date, ?::bigint))
ORDER BY i.rectification_due, i.id
LIMIT ?
