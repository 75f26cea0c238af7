-- One new version of a rule (versions are never changed afterwards).
INSERT INTO assessment_rule (city_code, code, version, name, unit, periods, items, effective_from, created_by, reason)
VALUES (:city, :code, :version, :name, :unit, :periods::text[], :items::jsonb, :effectiveFrom::date, :createdBy::bigint, :reason)
RETURNING code, version, name, unit, periods, items, effective_from::text AS effective_from, created_by, created_at, reason
