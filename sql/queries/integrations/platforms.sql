-- The platforms of the caller's cities with the state of their outbox, for the operators' list.
-- Pending counts ride the partial index of undelivered messages; dead letters are few by
-- design; the last attempt is the newest log row of the platform (index on platform_code, id).
SELECT p.*,
  (SELECT count(*) FROM outbox o WHERE o.platform_code = p.code AND o.delivered_at IS NULL AND o.dead_at IS NULL) AS pending,
  (SELECT min(o.created_at) FROM outbox o WHERE o.platform_code = p.code AND o.delivered_at IS NULL AND o.dead_at IS NULL) AS oldest_pending_at,
  (SELECT count(*) FROM outbox o WHERE o.platform_code = p.code AND o.dead_at IS NOT NULL) AS dead,
  last.at AS last_attempt_at, last.outcome AS last_outcome
FROM integration_platform p
LEFT JOIN LATERAL (
  SELECT d.at, d.outcome FROM outbox_delivery d WHERE d.platform_code = p.code ORDER BY d.id DESC LIMIT 1
) last ON true
WHERE p.city_code = ANY (:cities::text[])
ORDER BY p.code
