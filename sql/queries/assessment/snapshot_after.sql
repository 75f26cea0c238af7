-- Whether a rule has a snapshot of a period starting at or after an instant (a version effective
-- from that day would change which version those periods use).
SELECT EXISTS (
  SELECT 1 FROM assessment_snapshot s
  WHERE s.city_code = :city AND s.rule_code = :code AND s.period_from >= :at::timestamptz
) AS found
