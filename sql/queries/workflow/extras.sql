-- The workflow state kept beside an event row, for the state machine's snapshot: how many
-- hand-downs are open (转派), how many assisting units (协办) of the current assignment have not
-- given their opinion, how many supervision orders (督办) await an answer, and whether the one
-- appeal (申诉) was made; and the assisting units of the current assignment (to tell whether the
-- caller acts for one). Read under the event's row lock, so it is consistent with the row.
SELECT
  (SELECT count(*) FROM event_forward f WHERE f.event_id = :eventId AND f.returned_at IS NULL) AS forward_depth,
  (SELECT count(*) FROM event_assist a
    WHERE a.event_id = :eventId AND a.assignment_at = :assignmentAt AND a.state IN ('pending', 'signed')) AS assists_pending,
  (SELECT count(*) FROM event_supervision s
    WHERE s.event_id = :eventId AND s.answer_due_at IS NOT NULL AND s.answered_at IS NULL) AS open_supervisions,
  EXISTS (SELECT 1 FROM event_history h WHERE h.event_id = :eventId AND h.action = 'appeal') AS appealed,
  (SELECT coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'admin', d.admin_code, 'state', a.state)), '[]'::json)
    FROM event_assist a JOIN department d ON d.id = a.department_id
    WHERE a.event_id = :eventId AND a.assignment_at = :assignmentAt AND a.state <> 'cancelled') AS assisting
