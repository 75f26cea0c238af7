-- One page of a platform's outbox messages, newest first, keyset-paged by id, filtered by state:
-- pending (not yet delivered, not dead), delivered, dead, or all.
SELECT o.id, o.key, o.event_id, o.event_seq, o.created_at, o.available_at, o.attempts, o.delivered_at, o.dead_at,
  o.last_error, o.last_status_code, o.payload->'event'->>'number' AS event_number, COALESCE(o.payload->'change'->>'action', o.topic) AS action
FROM outbox o
WHERE o.platform_code = :platform
  AND (:before::bigint IS NULL OR o.id < :before)
  AND CASE :state::text
    WHEN 'pending' THEN o.delivered_at IS NULL AND o.dead_at IS NULL
    WHEN 'delivered' THEN o.delivered_at IS NOT NULL
    WHEN 'dead' THEN o.dead_at IS NOT NULL
    ELSE true END
ORDER BY o.id DESC
LIMIT :limit
