-- Every version of a rule, oldest first.
SELECT r.code, r.version, r.name, r.unit, r.periods, r.items, r.effective_from::text AS effective_from,
  r.created_by, r.created_at, r.reason
FROM assessment_rule r
WHERE r.city_code = :city AND r.code = :code
ORDER BY r.version
