-- The latest version of each assessment rule of a city (or of the one rule named).
SELECT DISTINCT ON (r.code) r.code, r.version, r.name, r.unit, r.periods, r.items, r.effective_from::text AS effective_from,
  r.created_by, r.created_at, r.reason
FROM assessment_rule r
WHERE r.city_code = :city AND (:code::text IS NULL OR r.code = :code)
ORDER BY r.code, r.version DESC
