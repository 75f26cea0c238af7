-- Hard-case markings of a jurisdiction (open ones, cleared ones or all), newest first, with the
-- event's state and how many leader instructions (批示) it holds.
SELECT h.id, h.source, h.reasons, h.note, h.marked_at, h.cleared_at, h.clear_note,
  mu.display_name AS marked_by, e.number, e.status, e.class_code, c.name AS class_name, e.community_code,
  e.description, e.handle_due_at,
  (SELECT count(*) FROM event_instruction i WHERE i.event_id = h.event_id)::int AS instructions
FROM event_hard_case h
JOIN event e ON e.id = h.event_id
JOIN event_class c ON c.code = e.class_code
LEFT JOIN app_user mu ON mu.id = h.marked_by
WHERE e.community_code LIKE ANY(:patterns::text[])
  AND (:state = 'all' OR (:state = 'open' AND h.cleared_at IS NULL) OR (:state = 'cleared' AND h.cleared_at IS NOT NULL))
ORDER BY h.marked_at DESC, h.id DESC
LIMIT :limit
