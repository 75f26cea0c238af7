-- Stores a new version of a city's rule if the caller read the current one (optimistic lock):
-- version 0 (the defaults) inserts the first row, any other version updates that exact row. The
-- revision is written in the same statement. No row answered: the version was stale.
WITH changed AS (
  INSERT INTO warning_rule AS r (city_code, kind, enabled, params, version, updated_by, updated_at)
  SELECT :city, :kind, :enabled, CAST(:params AS jsonb), 1, :user, :now
  WHERE CAST(:version AS integer) = 0
  ON CONFLICT (city_code, kind) DO NOTHING
  RETURNING r.version
), updated AS (
  UPDATE warning_rule r SET enabled = :enabled, params = CAST(:params AS jsonb), version = r.version + 1, updated_by = :user, updated_at = :now
  WHERE r.city_code = :city AND r.kind = :kind AND r.version = CAST(:version AS integer) AND CAST(:version AS integer) > 0
  RETURNING r.version
), v AS (
  SELECT version FROM changed UNION ALL SELECT version FROM updated
), revision AS (
  INSERT INTO warning_rule_revision (city_code, kind, version, enabled, params, changed_by, changed_at, reason)
  SELECT :city, :kind, v.version, :enabled, CAST(:params AS jsonb), :user, :now, :reason FROM v
)
SELECT version FROM v
