-- Decisions of the meetings the caller may see (as list.sql), tracked like events: open, done or
-- all; overdue ones (open past their deadline) alone when asked; ownedBy narrows to owner units.
SELECT x.id, x.meeting_id, x.seq, x.text, x.due_at, x.state, x.done_at, x.result,
  d.id AS owner_id, d.code AS owner_code, d.name AS owner_name, d.kind AS owner_kind, d.admin_code AS owner_admin,
  m.kind AS meeting_kind, m.title AS meeting_title, m.event_number
FROM meeting_decision x
JOIN meeting m ON m.id = x.meeting_id
JOIN department d ON d.id = x.owner_department_id
WHERE (m.area_code LIKE ANY(:patterns::text[])
    OR EXISTS (SELECT 1 FROM meeting_unit mu WHERE mu.meeting_id = m.id AND mu.department_id = ANY(:departmentIds::bigint[])))
  AND (:state = 'all' OR x.state = :state)
  AND (NOT :overdue OR (x.state = 'open' AND x.due_at < :now))
  AND (cardinality(:ownedBy::bigint[]) = 0 OR x.owner_department_id = ANY(:ownedBy::bigint[]))
  AND (:meetingId::bigint IS NULL OR x.meeting_id = :meetingId)
ORDER BY x.due_at, x.id
LIMIT :limit
