-- An import batch in two statements' worth of work: every row inserted, or the record of the same
-- resident and kind updated (the natural key), placed where its resident lives; then each
-- record's plan written with the default of its kind and risk level (a plan set by hand is kept).
-- Answers how many records were inserted and how many updated.
WITH x AS (
  SELECT * FROM json_to_recordset(CAST(:rows AS json)) AS x(resident_id bigint, kind text, risk text, member bigint,
    guardian_name text, guardian_phone text, since date, until date, note text, interval_days integer)
), g AS (
  INSERT INTO special_group AS s (city_code, community_code, grid_code, geom, resident_id, kind, risk_level,
    responsible_member_id, guardian_name, guardian_phone, since, until, note, created_by)
  SELECT r.city_code, r.community_code, r.grid_code, r.geom, x.resident_id, x.kind, x.risk, x.member,
    x.guardian_name, x.guardian_phone, x.since, x.until, x.note, CAST(:user AS bigint)
  FROM x JOIN resident r ON r.id = x.resident_id
  ON CONFLICT (resident_id, kind) DO UPDATE SET
    risk_level = EXCLUDED.risk_level, responsible_member_id = EXCLUDED.responsible_member_id,
    guardian_name = EXCLUDED.guardian_name, guardian_phone = EXCLUDED.guardian_phone, since = EXCLUDED.since,
    until = EXCLUDED.until, note = EXCLUDED.note, city_code = EXCLUDED.city_code, community_code = EXCLUDED.community_code,
    grid_code = EXCLUDED.grid_code, geom = EXCLUDED.geom, version = s.version + 1, updated_at = now()
  RETURNING s.id, s.resident_id, s.kind, (s.xmax = 0) AS inserted
), p AS (
  INSERT INTO special_visit_plan AS v (special_group_id, interval_days, source, set_by)
  SELECT g.id, x.interval_days, 'default', CAST(:user AS bigint)
  FROM g JOIN x ON x.resident_id = g.resident_id AND x.kind = g.kind
  ON CONFLICT (special_group_id) DO UPDATE SET interval_days = EXCLUDED.interval_days, set_by = EXCLUDED.set_by, set_at = now()
  WHERE v.source = 'default' AND v.interval_days <> EXCLUDED.interval_days
)
SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated FROM g
