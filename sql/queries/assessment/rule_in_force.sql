-- The version of a rule in force on a day: the greatest effective_from on or before it, the
-- highest version among versions effective the same day.
SELECT r.code, r.version, r.name, r.unit, r.periods, r.items, r.effective_from::text AS effective_from,
  r.created_by, r.created_at, r.reason
FROM assessment_rule r
WHERE r.city_code = :city AND r.code = :code AND r.effective_from <= :day::date
ORDER BY r.effective_from DESC, r.version DESC
LIMIT 1
