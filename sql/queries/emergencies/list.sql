-- Major emergencies the caller may follow, newest first: those in its jurisdiction, those whose
-- units it acts for (assignee, assisting, forwarded or transferred to, a named lead body), and
-- those that alerted it by name. open keeps the events not closed yet.
SELECT m.event_id, m.number, m.source, m.reason, m.declared_at, m.alerted, m.community_code,
  e.status, e.class_code, c.name AS class_name, e.priority, e.description,
  d.code AS department_code, d.name AS department_name,
  (SELECT count(*) FROM event_history h WHERE h.event_id = e.id) AS steps,
  (SELECT max(h.at) FROM event_history h WHERE h.event_id = e.id) AS last_at
FROM event_emergency m
JOIN event e ON e.id = m.event_id AND e.created_at = m.event_created_at
JOIN event_class c ON c.code = e.class_code
LEFT JOIN department d ON d.id = e.assignee_department_id
WHERE m.city_code = ANY(:cities::text[])
  AND (m.community_code LIKE ANY(:patterns::text[])
    OR :userId = ANY(m.alerted_user_ids)
    OR e.assignee_department_id = :departmentId
    OR :departmentId = ANY(e.assisting_department_ids)
    OR EXISTS (SELECT 1 FROM event_forward f WHERE f.event_id = e.id AND f.to_department_id = :departmentId)
    OR EXISTS (SELECT 1 FROM event_transfer t WHERE t.event_id = e.id AND t.to_department_id = :departmentId))
  AND (NOT :open OR e.status NOT IN ('closed', 'evaluated', 'voided', 'rejected'))
  AND (:number::text IS NULL OR m.number = :number)
  AND (:before::timestamptz IS NULL OR m.declared_at < :before)
ORDER BY m.declared_at DESC, m.number DESC
LIMIT :limit
