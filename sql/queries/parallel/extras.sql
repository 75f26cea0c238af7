-- 并联办 parts of an event not done yet, for the state machine's snapshot (feedback waits for them).
SELECT count(*) AS open_parts FROM event_part WHERE event_id = :eventId AND state = 'open'
