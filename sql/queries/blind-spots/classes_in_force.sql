-- The class versions of the matters configuration (0050) in force at the given time, with their
-- responsibility list (权责清单: body.responsibility).
SELECT v.id, v.key AS class_code, v.body -> 'responsibility' AS responsibility
FROM config_version v
WHERE v.kind = 'classes' AND v.effective_from <= :at AND (v.effective_to IS NULL OR v.effective_to > :at)
