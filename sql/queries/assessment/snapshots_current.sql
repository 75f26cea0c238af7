-- Current snapshots (superseded by none) of a city, optionally of one rule, kind and period;
-- newest period first.
SELECT s.id, s.rule_code, s.rule_version, s.period_kind, s.period_label, s.period_from, s.period_to, s.unit,
  s.computed_at, s.computed_by, s.supersedes, s.reason, s.rows, NULL::bigint AS superseded_by
FROM assessment_snapshot s
WHERE s.city_code = :city
  AND (:code::text IS NULL OR s.rule_code = :code)
  AND (:kind::text IS NULL OR s.period_kind = :kind)
  AND (:label::text IS NULL OR s.period_label = :label)
  AND NOT EXISTS (SELECT 1 FROM assessment_snapshot n WHERE n.supersedes = s.id)
ORDER BY s.period_from DESC, s.rule_code, s.period_kind
LIMIT :limit
