-- Incidents whose readings have been normal for their rule's time close by the clock too (a
-- sensor that reports rarely would otherwise keep one open until its next reading).
UPDATE sensor_incident i
SET closed_at = i.normal_since + make_interval(mins => r.normal_minutes)
FROM sensor_rule r
WHERE r.id = i.rule_id AND i.closed_at IS NULL AND i.normal_since IS NOT NULL
  AND i.normal_since + make_interval(mins => r.normal_minutes) <= now()
RETURNING i.id
