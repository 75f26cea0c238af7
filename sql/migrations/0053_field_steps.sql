-- Field steps and major emergencies (issue 18, items 4 and 5): which classes need an on-site
-- verification (事件核实) before acceptance and which are major emergencies by class; the
-- verification records (photo and position as evidence); transfers an inspector starts (移交);
-- supervision requests to the grid leader (督办申请); the duty chief's shifts (值班长); the named
-- leaders and lead bodies an emergency alerts; and the emergencies themselves.
--
-- Event rows are partitioned by month, so the tables below carry event_id without a foreign key,
-- like event_assist and event_forward (0011).

-- Per small class: a resident's or hotline demand of a class with verify_on_site stays 待受理
-- until a grid inspector has verified it on site; a class with emergency makes every report of
-- it a major emergency (priority 1 is one whatever its class). Classes without a row: neither.
CREATE TABLE event_class_field_rule (
  class_code      varchar(4) PRIMARY KEY REFERENCES event_class (code),
  verify_on_site  boolean NOT NULL DEFAULT false,
  emergency       boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
-- demo defaults: structures and dumping are checked on site before filing (residents often report
-- what is permitted or already gone); collapses and gas leaks are emergencies
INSERT INTO event_class_field_rule (class_code, verify_on_site, emergency)
SELECT c.code, r.v, r.e FROM (VALUES ('0101', true, false), ('0103', true, false), ('0401', false, true), ('0403', false, true)) AS r(code, v, e)
JOIN event_class c ON c.code = r.code;

-- 事件核实: one row per verification; the evidence is the photos (event_attachment ids) and the
-- position the inspector stood at (reported by the app, or the member's last good device fix),
-- with its distance from the reported point.
CREATE TABLE event_verification (
  id               bigserial PRIMARY KEY,
  event_id         bigint NOT NULL,
  city_code        varchar(6) NOT NULL,
  user_id          bigint REFERENCES app_user (id),
  member_id        bigint REFERENCES grid_member (id),
  outcome          text NOT NULL CHECK (outcome IN ('confirmed', 'unconfirmed')),
  attachment_ids   bigint[] NOT NULL CHECK (cardinality(attachment_ids) >= 1),
  geom             geometry(Point, 4490) NOT NULL,
  position_source  text NOT NULL CHECK (position_source IN ('reported', 'device_fix')),
  metres           double precision NOT NULL CHECK (metres >= 0),
  verified_at      timestamptz NOT NULL
);
CREATE INDEX event_verification_event_idx ON event_verification (event_id, verified_at);

-- 移交: an inspector hands an event to another inspector or a 落格 unit; the receiver signs
-- within the city's sign time (4 working hours) and returns a plan within its plan time (24 h).
CREATE TABLE event_transfer (
  id                bigserial PRIMARY KEY,
  event_id          bigint NOT NULL,
  city_code         varchar(6) NOT NULL,
  from_user_id      bigint REFERENCES app_user (id),
  from_member_id    bigint REFERENCES grid_member (id),
  to_department_id  bigint NOT NULL REFERENCES department (id),
  to_member_id      bigint REFERENCES grid_member (id),
  reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  transferred_at    timestamptz NOT NULL,
  sign_due_at       timestamptz NOT NULL,
  plan_due_at       timestamptz NOT NULL
);
CREATE INDEX event_transfer_event_idx ON event_transfer (event_id);

-- 督办申请: an inspector asks the grid leader to supervise an event; granting issues a
-- supervision order (event_supervision, kind manual) and links it here.
CREATE TABLE event_supervision_request (
  id              bigserial PRIMARY KEY,
  event_id        bigint NOT NULL,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL,
  requested_by    bigint REFERENCES app_user (id),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  requested_at    timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'granted', 'declined')),
  reviewed_by     bigint REFERENCES app_user (id),
  reviewed_at     timestamptz,
  review_note     text CHECK (length(review_note) <= 2000),
  supervision_id  bigint REFERENCES event_supervision (id)
);
CREATE INDEX event_supervision_request_event_idx ON event_supervision_request (event_id) WHERE state = 'pending';

-- 值班长: who leads the centre's desk when. The duty chief's coordinated dispatch
-- (coordinate_dispatch) is open to the user whose shift covers the moment.
CREATE TABLE duty_shift (
  id          bigserial PRIMARY KEY,
  city_code   varchar(6) NOT NULL,
  user_id     bigint NOT NULL REFERENCES app_user (id),
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  created_by  bigint REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '7 days')
);
CREATE INDEX duty_shift_user_idx ON duty_shift (user_id, starts_at);

-- Who a major emergency alerts at once: named leaders (a user, by username, so the rows can be
-- written before the users exist) and lead bodies (a department: its users are alerted), for an
-- area (an admin code prefix of the event's community) and optionally a class prefix.
CREATE TABLE emergency_contact (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  area_code        varchar(12) NOT NULL,
  class_prefix     varchar(4) CHECK (class_prefix ~ '^[0-9]{2,4}$'),
  kind             text NOT NULL CHECK (kind IN ('leader', 'lead_body')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
  username         text,
  department_code  text,
  CHECK ((kind = 'leader') = (username IS NOT NULL) AND (kind = 'lead_body') = (department_code IS NOT NULL))
);
-- the demo city (990100): the district's leader, the city desk, and the roads department for collapses
INSERT INTO emergency_contact (city_code, area_code, class_prefix, kind, title, username, department_code) VALUES
  ('990100', '990102', NULL, 'leader', '区网格中心分管领导', 'district', NULL),
  ('990100', '9901', NULL, 'leader', '市指挥中心值班领导', 'command', NULL),
  ('990100', '990102', NULL, 'lead_body', '区城市管理局', NULL, 'CGJ-990102');

-- A major emergency: when and why it was declared, and whom it alerted. The time line is the
-- event's history, read by every involved unit (GET /api/v1/emergencies/{number}).
CREATE TABLE event_emergency (
  event_id          bigint PRIMARY KEY,
  event_created_at  timestamptz NOT NULL,
  number            text NOT NULL UNIQUE,
  city_code         varchar(6) NOT NULL,
  community_code    varchar(12) NOT NULL,
  source            text NOT NULL CHECK (source IN ('priority', 'class', 'manual')),
  reason            text NOT NULL,
  declared_by       bigint REFERENCES app_user (id),
  declared_at       timestamptz NOT NULL,
  alerted           jsonb NOT NULL DEFAULT '[]',
  -- the users alerted by name (leaders, lead bodies' staff): they read its time line wherever they sit
  alerted_user_ids  bigint[] NOT NULL DEFAULT '{}'
);
CREATE INDEX event_emergency_declared_idx ON event_emergency (city_code, declared_at DESC);
