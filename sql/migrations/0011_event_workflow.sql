-- The rest of the closed loop: time limits as data, assisting units (主办/协办), multi-level
-- forwarding (a department passes an event down to a sub-unit and gets it back), supervision
-- answers, appeals and petitions.

-- Time limits per city (Jinan defaults in the national row '000000'; a city's own row wins).
-- The yellow-light share stays a constant: event_status_light() (tiles, WMS) uses it in SQL.
CREATE TABLE event_sla (
  city_code                 varchar(6) PRIMARY KEY CHECK (city_code ~ '^[0-9]{6}$'),
  sign_work_hours           numeric NOT NULL CHECK (sign_work_hours > 0 AND sign_work_hours <= 240),
  sign_rest_day_hours       numeric NOT NULL CHECK (sign_rest_day_hours > 0 AND sign_rest_day_hours <= 720),
  plan_hours                numeric NOT NULL CHECK (plan_hours > 0 AND plan_hours <= 720),
  district_plan_hours       numeric NOT NULL CHECK (district_plan_hours > 0 AND district_plan_hours <= 720),
  escalate_community_hours  numeric CHECK (escalate_community_hours > 0 AND escalate_community_hours <= 2160),
  escalate_street_hours     numeric CHECK (escalate_street_hours > 0 AND escalate_street_hours <= 2160),
  answer_hours              numeric NOT NULL CHECK (answer_hours > 0 AND answer_hours <= 720),
  -- an event handled inside its grid closes itself when a grid inspector verifies it
  auto_close_grid           boolean NOT NULL DEFAULT true,
  -- the resident may appeal once, within this many days of closing
  appeal_days               integer NOT NULL CHECK (appeal_days BETWEEN 1 AND 365),
  updated_at                timestamptz NOT NULL DEFAULT now(),
  updated_by                bigint REFERENCES app_user (id)
);
INSERT INTO event_sla (city_code, sign_work_hours, sign_rest_day_hours, plan_hours, district_plan_hours,
  escalate_community_hours, escalate_street_hours, answer_hours, auto_close_grid, appeal_days)
VALUES ('000000', 4, 48, 24, 72, 24, 48, 24, true, 15);

-- 协办: the assisting units of an event's current assignment (event.assisting_department_ids
-- names them; this table keeps each one's state). A new assignment starts a new round.
CREATE TABLE event_assist (
  event_id       bigint NOT NULL,
  assignment_at  timestamptz NOT NULL,
  department_id  bigint NOT NULL REFERENCES department (id),
  city_code      varchar(6) NOT NULL,
  state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'signed', 'done', 'cancelled')),
  signed_at      timestamptz,
  done_at        timestamptz,
  opinion        text CHECK (length(opinion) <= 2000),
  PRIMARY KEY (event_id, assignment_at, department_id)
);

-- Multi-level dispatch: each row is one hand-down from a unit to its sub-unit; the open rows
-- of an event form a stack (the deepest holds it now). Reporting back closes the top row and
-- returns the event to the unit that forwarded it.
CREATE TABLE event_forward (
  id                 bigserial PRIMARY KEY,
  event_id           bigint NOT NULL,
  city_code          varchar(6) NOT NULL,
  from_department_id bigint NOT NULL REFERENCES department (id),
  from_member_id     bigint REFERENCES grid_member (id),
  to_department_id   bigint NOT NULL REFERENCES department (id),
  forwarded_at       timestamptz NOT NULL,
  -- the forwarding unit's clock, restored when the sub-unit reports back
  from_dispatched_at timestamptz,
  from_sign_due_at   timestamptz,
  from_handle_due_at timestamptz,
  from_signed_at     timestamptz,
  returned_at        timestamptz,
  outcome            text CHECK (outcome IN ('reported_back', 'refused', 'superseded'))
);
CREATE INDEX event_forward_open_idx ON event_forward (event_id) WHERE returned_at IS NULL;

-- Supervision: manual orders, unanswered-order follow-ups and petitions join the kinds.
ALTER TABLE event_supervision DROP CONSTRAINT event_supervision_kind_check;
ALTER TABLE event_supervision ADD CONSTRAINT event_supervision_kind_check
  CHECK (kind IN ('sign_overdue', 'plan_overdue', 'handle_overdue', 'escalation', 'manual', 'answer_overdue', 'petition'));
ALTER TABLE event_supervision ADD COLUMN answered_by bigint REFERENCES app_user (id);

-- Links between events besides duplicates: an appeal (申诉) creates a new event whose
-- parent_event_id is the appealed one; this index finds it from the original.
CREATE INDEX event_parent_idx ON event (parent_event_id) WHERE parent_event_id IS NOT NULL;
