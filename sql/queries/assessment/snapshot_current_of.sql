-- The current snapshot of one rule and period, if any (the newest of its chain).
SELECT s.id
FROM assessment_snapshot s
WHERE s.city_code = :city AND s.rule_code = :code AND s.period_kind = :kind AND s.period_label = :label
  AND NOT EXISTS (SELECT 1 FROM assessment_snapshot n WHERE n.supersedes = s.id)
