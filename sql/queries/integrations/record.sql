-- Records one delivery attempt and its consequence, in ONE statement (one short transaction):
-- the log row, and on the message: delivered, rescheduled (back-off), or dead-lettered.
--
-- * A refusal ('rejected') becomes 'dead' once the message has been refused max_rejections
--   times in all (counted in the log), so a platform's passing misconfiguration is survived
--   but a message it will never take does not cycle for ever.
-- * The message is only changed while this attempt still holds it: the attempts counter is the
--   fencing token of the claim. If the lease ran out and another deliverer claimed it again,
--   the attempt is still logged but the newer claim decides.
WITH decided AS (
  SELECT CASE
    WHEN :outcome::text = 'rejected'
     AND (SELECT count(*) FROM outbox_delivery WHERE outbox_id = :id AND outcome IN ('rejected', 'dead')) + 1 >= :maxRejections
    THEN 'dead' ELSE :outcome::text END AS outcome
), upd AS (
  UPDATE outbox o SET
    delivered_at = CASE WHEN d.outcome = 'delivered' THEN :now::timestamptz END,
    dead_at = CASE WHEN d.outcome = 'dead' THEN :now::timestamptz END,
    available_at = CASE WHEN d.outcome IN ('retry', 'rejected') THEN :nextAt::timestamptz ELSE o.available_at END,
    last_error = :error, last_status_code = :statusCode
  FROM decided d
  WHERE o.id = :id AND o.attempts = :attempt AND o.delivered_at IS NULL
  RETURNING o.id
)
INSERT INTO outbox_delivery (outbox_id, attempt, at, status_code, error, duration_ms, platform_code, outcome, response)
SELECT :id, :attempt, :now, :statusCode, :error, :durationMs, :platform, d.outcome, :response
FROM decided d
RETURNING outcome, EXISTS (SELECT 1 FROM upd) AS applied
