-- Open events (dispatched, signed, handling) assigned to one grid member, inside the caller's
-- jurisdiction, most urgent deadline first: the "today's tasks" of the field-force card.
SELECT e.number, e.status, e.class_code, c.name AS class_name, e.handle_due_at, e.dispatched_at,
       ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
FROM event e
LEFT JOIN event_class c ON c.code = e.class_code
WHERE e.assignee_member_id = :memberId
  AND e.status IN ('dispatched', 'signed', 'handling')
  AND e.community_code LIKE ANY(CAST(:patterns AS text[]))
ORDER BY e.handle_due_at NULLS LAST, e.number
LIMIT 100
