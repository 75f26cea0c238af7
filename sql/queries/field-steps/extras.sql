-- The field-step state beside an event row (eventState.ts merges it with workflow/extras):
-- whether an on-site verification was asked at intake (a verify_required history row) and the
-- outcome of the last one, how many supervision requests await the grid leader, whether the
-- event is a major emergency, and whether the caller is the duty chief on shift now.
SELECT
  CASE
    WHEN NOT EXISTS (SELECT 1 FROM event_history h WHERE h.event_id = :eventId AND h.action = 'verify_required') THEN 'none'
    ELSE coalesce((SELECT v.outcome FROM event_verification v WHERE v.event_id = :eventId ORDER BY v.verified_at DESC, v.id DESC LIMIT 1), 'pending')
  END AS verification,
  (SELECT count(*) FROM event_supervision_request r WHERE r.event_id = :eventId AND r.state = 'pending') AS open_supervision_requests,
  EXISTS (SELECT 1 FROM event_emergency m WHERE m.event_id = :eventId) AS emergency,
  EXISTS (SELECT 1 FROM duty_shift d WHERE d.user_id = :userId AND d.starts_at <= :now AND d.ends_at > :now) AS duty_chief
