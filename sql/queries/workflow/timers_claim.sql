-- Claims a batch of due timers for this scheduler pass. FOR UPDATE SKIP LOCKED: a timer another
-- instance is acting on is skipped, never waited for, and the lock lasts until the pass's
-- transaction commits, so no timer is acted on twice.
SELECT id, event_id, city_code, kind, assignment_at, due_at, payload
FROM event_timer
WHERE state = 'pending' AND due_at <= :now
ORDER BY due_at, id
LIMIT :batch
FOR UPDATE SKIP LOCKED
