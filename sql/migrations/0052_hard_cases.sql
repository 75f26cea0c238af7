-- Hard cases and joint handling (issue 18, items 3 and 7): events marked 疑难 by rule or by
-- hand, the thresholds of the rule per city, leader instructions (批示), joint meetings
-- (会商/会办/提级会商 and the 72-hour plan) with invited units and decisions that have an owner
-- and a deadline, parallel handling (并联办: one part per unit, each with its own deadline), and
-- the register of responsibility blind spots (部门职能盲区).
--
-- Event rows are partitioned by month, so the tables below carry event_id without a foreign key,
-- like event_assist and event_forward (0011).

-- The 疑难 rule of a city: an event passed back and forth at least `bounces` times, overdue by
-- at least `overdue_hours`, or involving at least `units` units is a hard case. No row: defaults.
CREATE TABLE hard_case_rule (
  city_code      varchar(6) PRIMARY KEY,
  bounces        integer NOT NULL DEFAULT 3 CHECK (bounces BETWEEN 1 AND 100),
  overdue_hours  integer NOT NULL DEFAULT 72 CHECK (overdue_hours BETWEEN 1 AND 8760),
  units          integer NOT NULL DEFAULT 3 CHECK (units BETWEEN 2 AND 50),
  updated_by     bigint REFERENCES app_user (id),
  reason         text CHECK (length(reason) <= 2000),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per marking; an event is a hard case while a row without cleared_at exists.
CREATE TABLE event_hard_case (
  id          bigserial PRIMARY KEY,
  event_id    bigint NOT NULL,
  city_code   varchar(6) NOT NULL,
  source      text NOT NULL CHECK (source IN ('rule', 'manual')),
  -- [{rule: 'bounces' | 'overdue' | 'units' | 'manual', value, threshold}]
  reasons     jsonb NOT NULL,
  note        text CHECK (length(note) <= 2000),
  marked_by   bigint REFERENCES app_user (id),
  marked_at   timestamptz NOT NULL,
  cleared_at  timestamptz,
  cleared_by  bigint REFERENCES app_user (id),
  clear_note  text CHECK (length(clear_note) <= 2000)
);
CREATE UNIQUE INDEX event_hard_case_open_idx ON event_hard_case (event_id) WHERE cleared_at IS NULL;
CREATE INDEX event_hard_case_city_idx ON event_hard_case (city_code, marked_at DESC);

-- 批示: what a leader instructed on an event (also written to the event's history).
CREATE TABLE event_instruction (
  id            bigserial PRIMARY KEY,
  event_id      bigint NOT NULL,
  city_code     varchar(6) NOT NULL,
  user_id       bigint REFERENCES app_user (id),
  leader_name   text NOT NULL CHECK (length(leader_name) BETWEEN 1 AND 100),
  leader_title  text CHECK (length(leader_title) <= 100),
  text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
  due_at        timestamptz,
  issued_at     timestamptz NOT NULL
);
CREATE INDEX event_instruction_event_idx ON event_instruction (event_id, issued_at);

-- 会商 (consult), 会办 (joint handling), 提级会商 (escalated consult) and the 72-hour plan
-- (Jinan 7.4.3) of a hard case. area_code: the admin code the meeting belongs to (the event's
-- community when it concerns one); who may see it follows from it.
CREATE TABLE meeting (
  id           bigserial PRIMARY KEY,
  city_code    varchar(6) NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('consult', 'joint', 'escalated', 'plan_72h')),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  area_code    varchar(12) NOT NULL REFERENCES admin_division (code),
  event_id     bigint,
  event_number text,
  starts_at    timestamptz NOT NULL,
  place        text CHECK (length(place) <= 200),
  minutes      text CHECK (length(minutes) <= 20000),
  convened_by  bigint REFERENCES app_user (id),
  convener     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meeting_area_idx ON meeting (area_code text_pattern_ops, starts_at DESC);
CREATE INDEX meeting_event_idx ON meeting (event_id) WHERE event_id IS NOT NULL;

CREATE TABLE meeting_unit (
  meeting_id     bigint NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
  department_id  bigint NOT NULL REFERENCES department (id),
  PRIMARY KEY (meeting_id, department_id)
);

-- A decision is tracked like an event: its owner unit closes it; open past due_at is overdue.
CREATE TABLE meeting_decision (
  id                   bigserial PRIMARY KEY,
  meeting_id           bigint NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
  seq                  integer NOT NULL,
  text                 text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  owner_department_id  bigint NOT NULL REFERENCES department (id),
  due_at               timestamptz NOT NULL,
  state                text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
  done_at              timestamptz,
  done_by              bigint REFERENCES app_user (id),
  result               text CHECK (length(result) <= 2000),
  UNIQUE (meeting_id, seq)
);
CREATE INDEX meeting_decision_owner_idx ON meeting_decision (owner_department_id, state, due_at);

-- 并联办: parts of one event handled by several units at once, beside the primary assignment;
-- the event's feedback waits until every part is done.
CREATE TABLE event_part (
  id             bigserial PRIMARY KEY,
  event_id       bigint NOT NULL,
  city_code      varchar(6) NOT NULL,
  department_id  bigint NOT NULL REFERENCES department (id),
  task           text NOT NULL CHECK (length(task) BETWEEN 1 AND 2000),
  due_at         timestamptz NOT NULL,
  state          text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'withdrawn')),
  started_by     bigint REFERENCES app_user (id),
  started_at     timestamptz NOT NULL,
  done_by        bigint REFERENCES app_user (id),
  done_at        timestamptz,
  result         text CHECK (length(result) <= 2000)
);
CREATE UNIQUE INDEX event_part_open_idx ON event_part (event_id, department_id) WHERE state = 'open';
CREATE INDEX event_part_unit_idx ON event_part (department_id, state, due_at);

-- 部门职能盲区: a class whose responsibility in an area is missing (nobody takes it: orders
-- bounce) or overlapping (several units claim it). Resolved by a change of the matters
-- configuration (权责清单), named by `resolution_ref`.
CREATE TABLE responsibility_gap (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('missing', 'overlap')),
  class_code      varchar(4) NOT NULL REFERENCES event_class (code),
  area_code       varchar(12) NOT NULL REFERENCES admin_division (code),
  department_ids  bigint[] NOT NULL DEFAULT '{}',
  event_numbers   text[] NOT NULL DEFAULT '{}',
  source          text NOT NULL CHECK (source IN ('bounced', 'manual')),
  note            text CHECK (length(note) <= 2000),
  state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  created_by      bigint REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  resolved_by     bigint REFERENCES app_user (id),
  resolved_at     timestamptz,
  resolution      text CHECK (length(resolution) <= 2000),
  resolution_ref  text CHECK (length(resolution_ref) <= 200)
);
CREATE UNIQUE INDEX responsibility_gap_open_idx ON responsibility_gap (class_code, area_code, kind) WHERE state = 'open';
