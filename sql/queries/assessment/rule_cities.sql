-- The latest version of every rule of every city (the scheduler's work list).
SELECT DISTINCT ON (r.city_code, r.code) r.city_code, r.code, r.periods
FROM assessment_rule r
ORDER BY r.city_code, r.code, r.version DESC
