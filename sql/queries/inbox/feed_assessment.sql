-- An assessment snapshot's facts: the rule's name in its version, the period and the ranking.
SELECT s.id, s.city_code, s.rule_code, s.period_label, s.unit, s.supersedes, s.rows, r.name
  FROM assessment_snapshot s
  JOIN assessment_rule r ON r.city_code = s.city_code AND r.code = s.rule_code AND r.version = s.rule_version
 WHERE s.id = :id
