-- Meetings the caller may see: of its area (area_code inside the jurisdiction), or inviting one of
-- its units; newest first, with the invited units and counts of open and overdue decisions.
SELECT m.id, m.kind, m.title, m.area_code, m.event_number, m.starts_at, m.place, m.convener, m.created_at,
  (SELECT coalesce(json_agg(json_build_object('code', d.code, 'name', d.name) ORDER BY d.code), '[]'::json)
    FROM meeting_unit mu JOIN department d ON d.id = mu.department_id WHERE mu.meeting_id = m.id) AS units,
  (SELECT count(*) FROM meeting_decision x WHERE x.meeting_id = m.id)::int AS decisions,
  (SELECT count(*) FROM meeting_decision x WHERE x.meeting_id = m.id AND x.state = 'open')::int AS open_decisions,
  (SELECT count(*) FROM meeting_decision x WHERE x.meeting_id = m.id AND x.state = 'open' AND x.due_at < :now)::int AS overdue_decisions
FROM meeting m
WHERE (m.area_code LIKE ANY(:patterns::text[])
    OR EXISTS (SELECT 1 FROM meeting_unit mu WHERE mu.meeting_id = m.id AND mu.department_id = ANY(:departmentIds::bigint[])))
  AND (:kind::text IS NULL OR m.kind = :kind)
  AND (:eventNumber::text IS NULL OR m.event_number = :eventNumber)
  AND (:id::bigint IS NULL OR m.id = :id)
ORDER BY m.starts_at DESC, m.id DESC
LIMIT :limit
