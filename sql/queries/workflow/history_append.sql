-- Appends one row to an event's history. seq = last + 1, computed here: the caller holds the
-- event's row lock, so two appends to one event never compute the same seq.
INSERT INTO event_history (event_id, seq, city_code, action, from_status, to_status,
  actor_user_id, actor_role, actor_name, at, comment, attachments, explanation)
SELECT :eventId, coalesce(max(seq), 0) + 1, :cityCode, :action, :from, :to, :userId, :role, :name, :at, :comment,
  :attachments::jsonb, :explanation::jsonb
FROM event_history WHERE event_id = :eventId
RETURNING seq
