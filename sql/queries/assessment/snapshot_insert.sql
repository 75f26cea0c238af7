-- A snapshot. The first of a period (supersedes null) is written at most once: a second writer
-- (another scheduler instance) inserts nothing and gets no row back.
INSERT INTO assessment_snapshot (city_code, rule_code, rule_version, period_kind, period_label, period_from, period_to, unit,
  computed_at, computed_by, supersedes, reason, rows)
VALUES (:city, :code, :version, :kind, :label, :from, :to, :unit, :computedAt, :computedBy::bigint, :supersedes::bigint, :reason, :rows::jsonb)
ON CONFLICT (city_code, rule_code, period_kind, period_label) WHERE supersedes IS NULL DO NOTHING
RETURNING id
