-- Matters and rules as versioned configuration (issue 18, item 1; Heilongjiang 6.1.3.2, 6.2.5.1,
-- 6.2.5.3): event classes with their responsibility list (事件清单/权责清单), demand types,
-- channels (with the roles that may report through each), dispatch rules, time-limit rules and
-- supervision rules. Every change is a new row here with its effective date, who and why; rows
-- are never updated except to close an open-ended version when its successor is written, so
-- the past stays readable (?at=). Runtime reads the versions in force (server/events/reference.ts).
--
-- The responsibility list (权责清单) is part of a class version: body.responsibility is an array
-- of { "areaPrefix": leading 4-12 digits of an admin code, "departmentCode": unit code,
-- "role": "主办" | "协办" } (server/config/kinds.ts). Read what is in force with
-- sql/queries/config/in_force.sql (kind 'classes').
--
-- event_class and event_channel stay as the identity rows the event table's foreign keys name
-- (and list views join for names); their attributes are the configuration's.
CREATE TABLE config_version (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('classes', 'demand_types', 'channels', 'dispatch_rules', 'time_limits', 'supervision_rules')),
  -- the item within its kind: class code, demand type, channel code, rule key, city code (time limits)
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 60),
  effective_from  timestamptz NOT NULL,
  -- set when written (rules only), or when the next version of the item starts
  effective_to    timestamptz CHECK (effective_to > effective_from),
  body            jsonb NOT NULL,
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by      bigint REFERENCES app_user (id),
  created_by_name text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX config_version_item_idx ON config_version (kind, key, effective_from);

-- The versions an event was reported under ({ classes, channels, demand_types, dispatch_rules,
-- time_limits, supervision_rules } → version ids): later steps of an open event use these, so a
-- rule change never moves its deadlines silently.
ALTER TABLE event ADD COLUMN config_versions jsonb;

-- Industry grid types (城管, 综治, 消防 …) own their matters: a class names its industry.
ALTER TABLE event_class ADD COLUMN industry_type text REFERENCES industry_type (code);

-- Demand types are configuration now: the CHECK of migration 0006 would refuse a new one.
ALTER TABLE event DROP CONSTRAINT IF EXISTS event_demand_type_check;

-- Every instance drops its cached configuration when a version is written (tiles/changes.ts
-- hands the notification to server/events/reference.ts).
CREATE FUNCTION config_version_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gridgov_changes', json_build_object('table', 'config_version',
    'bbox', json_build_array(-180, -90, 180, 90))::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER config_version_changes AFTER INSERT OR UPDATE OR DELETE ON config_version
  FOR EACH STATEMENT EXECUTE FUNCTION config_version_notify();

-- The first versions: what the tables held, in force since 2000 (before any event).
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'classes', c.code, '2000-01-01T00:00:00Z', jsonb_strip_nulls(jsonb_build_object(
    'name', c.name, 'domain', c.domain, 'industryType', c.industry_type,
    'filingCondition', c.filing_condition, 'closureCondition', c.closure_condition,
    'limit', CASE WHEN c.time_limit_value IS NULL THEN NULL
      ELSE jsonb_build_object('value', c.time_limit_value, 'unit', c.time_limit_unit) END,
    'ownerKind', c.owner_department_code)) || jsonb_build_object('responsibility', '[]'::jsonb),
  '初始配置：由迁移 0050 从事件分类表导入', '系统'
FROM event_class c;

INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'demand_types', t.code, '2000-01-01T00:00:00Z', jsonb_build_object('name', t.code, 'position', t.pos),
  '初始配置：由迁移 0050 导入', '系统'
FROM (VALUES ('咨询', 1), ('求助', 2), ('投诉举报', 3), ('建议感谢', 4)) AS t(code, pos);

-- Roles per channel: what server/events/intake.ts held in code before (channelRoles).
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'channels', ch.code, '2000-01-01T00:00:00Z', jsonb_build_object('name', ch.name, 'autoAccept', ch.auto_accept,
    'autoDispatch', ch.auto_dispatch, 'roles', to_jsonb(r.roles)),
  '初始配置：由迁移 0050 从渠道表和代码中的角色规则导入', '系统'
FROM event_channel ch
JOIN (VALUES
  ('inspector_app', ARRAY['grid_inspector']),
  ('resident',      ARRAY['public', 'command_center', 'district_staff', 'street_staff', 'community_staff']),
  ('hotline_12345', ARRAY['external_system', 'command_center']),
  ('sensor_ai',     ARRAY['external_system', 'command_center']),
  ('police_110',    ARRAY['external_system', 'command_center']),
  ('superior',      ARRAY['command_center', 'district_staff', 'street_staff']),
  ('third_party',   ARRAY['external_system', 'command_center'])
) AS r(code, roles) ON r.code = ch.code;

INSERT INTO config_version (kind, key, effective_from, effective_to, body, reason, created_by_name)
SELECT 'dispatch_rules', 'rule-' || d.id, '2000-01-01T00:00:00Z', NULL, jsonb_build_object('name', d.name, 'priority', d.priority,
    'channels', to_jsonb(d.channels), 'classPrefix', d.class_prefix, 'demandTypes', to_jsonb(d.demand_types),
    'areaPrefix', d.area_prefix, 'target', d.target, 'departmentCode', d.department_code, 'cityCode', d.city_code),
  '初始配置：由迁移 0050 从派遣规则表导入', '系统'
FROM dispatch_rule d WHERE d.enabled;

INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'time_limits', s.city_code, '2000-01-01T00:00:00Z', jsonb_build_object(
    'signWorkHours', s.sign_work_hours, 'signRestDayHours', s.sign_rest_day_hours, 'planHours', s.plan_hours,
    'districtPlanHours', s.district_plan_hours,
    'escalateAfterHours', jsonb_build_object('community', s.escalate_community_hours, 'street', s.escalate_street_hours),
    'answerHours', s.answer_hours, 'autoCloseGrid', s.auto_close_grid, 'appealDays', s.appeal_days,
    'arrivalRadiusM', s.arrival_radius_m, 'arrivalInGrid', s.arrival_in_grid, 'arrivalRequired', s.arrival_required),
  '初始配置：由迁移 0050 从时限表导入', '系统'
FROM event_sla s;

-- 督办规则: when the centre's supervision (督办) is due. Local-practice defaults.
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name) VALUES
  ('supervision_rules', 'sign-overdue', '2000-01-01T00:00:00Z',
   '{"name": "签收超时黄牌督办", "trigger": "sign_overdue", "afterHours": 0, "level": "yellow", "notifyRoles": ["command_center"]}',
   '初始配置：由迁移 0050 写入', '系统'),
  ('supervision_rules', 'handle-overdue', '2000-01-01T00:00:00Z',
   '{"name": "处置超时红牌督办", "trigger": "handle_overdue", "afterHours": 24, "level": "red", "notifyRoles": ["command_center", "district_staff"]}',
   '初始配置：由迁移 0050 写入', '系统');
