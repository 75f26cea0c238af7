-- Claims due outbox messages for delivery, in ONE statement (its own short transaction): the
-- HTTP call happens after it commits, never inside it.
--
-- * FOR UPDATE SKIP LOCKED: two deliverers never claim one row; each takes what the other has
--   not locked.
-- * The lease: available_at moves to the lease end and attempts counts up, so a row being sent is
--   not due for anybody else; if this process dies mid-send the row is due again when the lease
--   runs out (at least once). attempts is the fencing token record.sql checks.
-- * Order per event: a message waits while an earlier undelivered, not dead message of the same
--   event for the same platform exists (a receiver sees 'dispatched' before 'handled'). At most
--   one message of an event's chain is in flight at a time. Fence alerts (topic fence_alert,
--   no event) are not ordered.
-- * Topic sms: verification codes for the residents' page (server/integrations/sms.ts).
-- * Topic inbox: inbox notices for the messaging gateway (server/inbox/gateway.ts); quiet hours are
--   their available_at.
-- * Only enabled platforms: disabling one holds its messages, it does not drop them.
WITH due AS (
  SELECT o.id
  FROM outbox o
  JOIN integration_platform p ON p.code = o.platform_code AND p.enabled
  WHERE o.topic IN ('integration', 'fence_alert', 'sms', 'inbox') AND o.delivered_at IS NULL AND o.dead_at IS NULL AND o.available_at <= :now
    AND NOT EXISTS (
      SELECT 1 FROM outbox b
      WHERE b.platform_code = o.platform_code AND b.event_id = o.event_id AND b.event_seq < o.event_seq
        AND b.delivered_at IS NULL AND b.dead_at IS NULL)
  ORDER BY o.available_at, o.id
  LIMIT :batch
  FOR UPDATE OF o SKIP LOCKED
)
UPDATE outbox o
SET available_at = :leaseUntil, attempts = o.attempts + 1
FROM due, integration_platform p
WHERE o.id = due.id AND p.code = o.platform_code
RETURNING o.id, o.key, o.payload, o.attempts, o.request_id, o.platform_code, p.adapter, p.endpoint, p.secret, p.timeout_ms, p.max_rejections
