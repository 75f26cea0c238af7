-- One page of a platform's delivery log, newest first, keyset-paged by id (before = the last
-- id of the previous page): the index (platform_code, id) serves any page in the same time.
SELECT d.id, d.outbox_id, d.attempt, d.at, d.status_code, d.error, d.duration_ms, d.outcome, d.response,
  o.key, o.event_id, o.event_seq
FROM outbox_delivery d
JOIN outbox o ON o.id = d.outbox_id
WHERE d.platform_code = :platform
  AND (:before::bigint IS NULL OR d.id < :before)
  AND (:outboxId::bigint IS NULL OR d.outbox_id = :outboxId)
ORDER BY d.id DESC
LIMIT :limit
