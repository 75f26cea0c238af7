-- Issue 18's remaining workflow gaps: the 疑难 thresholds (hard_case_rule) and what a class asks in
-- the field (event_class_field_rule: on-site verification, major emergency) become kinds of the
-- versioned configuration (config_version, migration 0050), and the 预警 share of a deadline
-- becomes a field of the time-limit rule (body.warnShare) that an event keeps.

-- The kinds are the application's catalogue (server/config/kinds.ts); the table only checks the
-- form of a kind, so a kind added there needs no migration of this constraint again.
ALTER TABLE config_version DROP CONSTRAINT IF EXISTS config_version_kind_check;
ALTER TABLE config_version ADD CONSTRAINT config_version_kind_check CHECK (kind ~ '^[a-z][a-z_]{1,39}$');

-- 疑难 thresholds: the national defaults (what the code held), then each city's row as its own
-- item, in force since it was last set (before that the city ran on the defaults).
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
VALUES ('hard_case_rules', '000000', '2000-01-01T00:00:00Z', '{"bounces": 3, "overdueHours": 72, "units": 3}',
  '初始配置：全国默认疑难认定规则（流转 3 次、超期 72 小时、涉及 3 个单位）', '系统');
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by, created_by_name)
SELECT 'hard_case_rules', r.city_code, least(r.updated_at, now()),
  jsonb_build_object('bounces', r.bounces, 'overdueHours', r.overdue_hours, 'units', r.units),
  left(coalesce(nullif(trim(r.reason), ''), '由迁移 0069 自 hard_case_rule 迁入'), 500), r.updated_by, coalesce(u.display_name, '系统')
FROM hard_case_rule r LEFT JOIN app_user u ON u.id = r.updated_by
WHERE r.city_code <> '000000';

-- What a class asks in the field, one item per small class that asks anything.
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'class_field_rules', f.class_code, '2000-01-01T00:00:00Z',
  jsonb_build_object('verifyOnSite', f.verify_on_site, 'emergency', f.emergency),
  '初始配置：由迁移 0069 自 event_class_field_rule 迁入', '系统'
FROM event_class_field_rule f;

-- One truth: the configuration replaces both tables.
DROP TABLE hard_case_rule;
DROP TABLE event_class_field_rule;

-- The 预警 share an event runs under (from its pinned time limits at intake); NULL: 0.8, as
-- before the field existed. The status light (tiles, WMS, list filter) reads it.
ALTER TABLE event ADD COLUMN warn_share real CHECK (warn_share >= 0.5 AND warn_share <= 0.95);

CREATE FUNCTION event_status_light(status text, dispatched_at timestamptz, sign_due_at timestamptz,
                                   handle_due_at timestamptz, at timestamptz, warn_share real)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN due IS NULL OR dispatched_at IS NULL THEN 'none'
    WHEN at > due THEN 'red'
    WHEN at - dispatched_at >= coalesce(warn_share, 0.8) * (due - dispatched_at) THEN 'yellow'
    ELSE 'green'
  END
  FROM (SELECT CASE WHEN status = 'dispatched' THEN sign_due_at
                    WHEN status IN ('signed', 'handling') THEN handle_due_at END AS due) d
$$;

-- The scheduler's 预警 timer (armed only for events whose time limits set warnShare).
ALTER TABLE event_timer DROP CONSTRAINT IF EXISTS event_timer_kind_check;
ALTER TABLE event_timer ADD CONSTRAINT event_timer_kind_check CHECK (kind IN ('sign', 'plan', 'handle', 'escalate', 'answer', 'warn'));
