-- The Open311 services: the small (4-digit) event classes with their big class (the Open311
-- "group"), filing and closure conditions and handling time limit. Big classes are never filed
-- against (0002_reference_classes.sql), so they are not services.
SELECT s.code, s.name, s.domain, s.filing_condition, s.closure_condition,
  s.time_limit_value, s.time_limit_unit, b.code AS group_code, b.name AS group_name
FROM event_class s
JOIN event_class b ON b.code = s.parent_code
WHERE length(s.code) = 4
  AND (:code::text IS NULL OR s.code = :code)
ORDER BY s.code
