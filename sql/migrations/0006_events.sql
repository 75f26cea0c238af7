-- Events (事件): intake, the closed loop, dispatch rules, the working calendar, deadlines,
-- supervision and the outbox.
--
-- Layout decisions
-- * event is partitioned by month on created_at (native range partitioning; PostgreSQL 15 and
--   PGlite 18 both run it). A partitioned table can only enforce uniqueness on keys that
--   contain the partition key, so:
--     - the primary key is (id, created_at); ids come from one sequence and are unique anyway;
--     - the public number 'E' + yyyymmdd (Asia/Shanghai) + per-day sequence comes from
--       event_number_counter, unique by construction; its date prefix lets lookups by number
--       prune to one partition;
--     - idempotency keys live in event_idempotency (plain table, globally unique per client).
--   Rows referring to an event (history, attachments, timers) carry event_id without a
--   foreign key: a foreign key to a partitioned table would have to carry created_at too.
-- * Every large table carries city_code (6 digits) so it can be distributed by city (Citus).
-- * Months are created ahead by event_ensure_partitions(); a DEFAULT partition catches
--   anything outside them so an insert never fails for want of a partition.

-- Intake channels and whether their reports are filed (立案) and dispatched automatically.
CREATE TABLE event_channel (
  code           text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name           text NOT NULL,
  auto_accept    boolean NOT NULL DEFAULT false,
  auto_dispatch  boolean NOT NULL DEFAULT false,
  CHECK (auto_accept OR NOT auto_dispatch)
);
INSERT INTO event_channel (code, name, auto_accept, auto_dispatch) VALUES
  ('inspector_app', '网格员巡查上报', true,  true),
  ('resident',      '居民上报',       false, false),
  ('hotline_12345', '12345热线',      true,  true),
  ('sensor_ai',     '视频/物联感知',   false, false),
  ('police_110',    '110非警务分流',   true,  true),
  ('superior',      '上级交办',       true,  true),
  ('third_party',   '第三方平台',     true,  true);

CREATE SEQUENCE event_id_seq;

-- Per city and Shanghai day: the last sequence number handed out for public event numbers.
CREATE TABLE event_number_counter (
  city_code  varchar(6) NOT NULL,
  day        date NOT NULL,
  last       integer NOT NULL,
  PRIMARY KEY (city_code, day)
);

CREATE TABLE event (
  id                bigint NOT NULL DEFAULT nextval('event_id_seq'),
  number            text NOT NULL CHECK (number ~ '^E[0-9]{12,}$'),
  city_code         varchar(6) NOT NULL,
  channel           text NOT NULL REFERENCES event_channel (code),
  demand_type       text NOT NULL CHECK (demand_type IN ('咨询', '求助', '投诉举报', '建议感谢')),
  class_code        varchar(4) NOT NULL REFERENCES event_class (code),
  description       text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  address           text,
  geom              geometry(Point, 4490) NOT NULL,
  -- what the reporter sent and the conversion applied (CRS, original coordinates)
  source_position   jsonb NOT NULL,
  -- grid chain at intake; the grid version pins the boundary the point was located in
  grid_code         varchar(20),
  grid_version      integer,
  community_code    varchar(12) NOT NULL,
  street_code       varchar(12) NOT NULL,
  district_code     varchar(12) NOT NULL,
  -- H3 cell at resolution 12 (~300 m² hexagons) as its 64-bit index; coarser cells by
  -- h3_cell_parent() (bit arithmetic, no extension needed)
  h3_r12            bigint NOT NULL,
  status            text NOT NULL CHECK (status IN ('reported', 'accepted', 'rejected', 'dispatched', 'signed',
                      'handling', 'handled', 'verified', 'closed', 'evaluated', 'parked', 'voided')),
  priority          smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 4),
  reporter_user_id  bigint REFERENCES app_user (id),
  reporter_name     text,
  reporter_phone    text,
  external_ref      text,
  duplicate_of      bigint,
  parent_event_id   bigint,
  -- who holds it now: a unit (department) and optionally one grid member of it
  escalation_level  text NOT NULL DEFAULT 'grid' CHECK (escalation_level IN ('grid', 'community', 'street', 'district', 'city')),
  assignee_department_id bigint REFERENCES department (id),
  assignee_member_id     bigint REFERENCES grid_member (id),
  assisting_department_ids bigint[] NOT NULL DEFAULT '{}',
  extension_pending boolean NOT NULL DEFAULT false,
  -- the clock: starts at dispatch; the handling deadline moves with an approved extension
  dispatched_at     timestamptz,
  sign_due_at       timestamptz,
  handle_due_at     timestamptz,
  parked_at         timestamptz,
  signed_at         timestamptz,
  handled_at        timestamptz,
  closed_at         timestamptz,
  satisfaction      text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at),
  UNIQUE (number, created_at),
  CHECK (substr(community_code, 1, 9) = substr(street_code, 1, 9)
     AND substr(community_code, 1, 6) = substr(district_code, 1, 6))
) PARTITION BY RANGE (created_at);
CREATE INDEX event_geom_idx ON event USING gist (geom);
CREATE INDEX event_community_idx ON event (community_code text_pattern_ops, created_at);
CREATE INDEX event_status_idx ON event (status, created_at);
-- duplicate candidates: same class, recent, nearby
CREATE INDEX event_class_time_idx ON event (class_code, created_at);
CREATE INDEX event_h3_idx ON event (h3_r12);
CREATE INDEX event_assignee_idx ON event (assignee_department_id) WHERE assignee_department_id IS NOT NULL;
CREATE TABLE event_default PARTITION OF event DEFAULT;

-- Creates the monthly partitions covering [from_month, from_month + months); idempotent.
CREATE FUNCTION event_ensure_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  created integer := 0;
  name text;
BEGIN
  FOR i IN 1..months LOOP
    name := 'event_' || to_char(m, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      -- month bounds in China time: a Shanghai month is what reports and numbers use
      EXECUTE format('CREATE TABLE %I PARTITION OF event FOR VALUES FROM (%L) TO (%L)', name,
        (m::timestamp AT TIME ZONE 'Asia/Shanghai'), ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
-- two years of history (bulk imports of historic events) and the year ahead
SELECT event_ensure_partitions((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '24 months')::date, 37);

-- The parent of an H3 cell at a coarser resolution: set the resolution field (bits 52-55)
-- and fill the digits below it with 7 ("unused"), exactly what h3's cellToParent does.
CREATE FUNCTION h3_cell_parent(cell bigint, res integer) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT (cell & ~(15::bigint << 52)) | (res::bigint << 52) | ((1::bigint << (3 * (15 - res))) - 1)
$$;

-- Retried submissions: (client, key) → event. The body hash tells a retry from a reuse.
CREATE TABLE event_idempotency (
  client      text NOT NULL,
  key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  body_hash   text NOT NULL,
  event_id    bigint NOT NULL,
  event_created_at timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client, key)
);

-- Append-only history of every transition (who, role, when, comment, attachments, why).
CREATE TABLE event_history (
  event_id       bigint NOT NULL,
  seq            integer NOT NULL CHECK (seq >= 1),
  city_code      varchar(6) NOT NULL,
  action         text NOT NULL,
  from_status    text,
  to_status      text NOT NULL,
  actor_user_id  bigint,
  actor_role     text NOT NULL,
  actor_name     text NOT NULL,
  at             timestamptz NOT NULL DEFAULT now(),
  comment        text CHECK (length(comment) <= 2000),
  attachments    jsonb NOT NULL DEFAULT '[]',
  explanation    jsonb,
  PRIMARY KEY (event_id, seq)
);

CREATE FUNCTION event_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'event_history is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER event_history_no_change BEFORE UPDATE OR DELETE ON event_history
  FOR EACH ROW EXECUTE FUNCTION event_history_append_only();

-- Attachment metadata; the bytes live on disk under DATA_DIR/attachments by SHA-256.
CREATE TABLE event_attachment (
  id            bigserial PRIMARY KEY,
  event_id      bigint NOT NULL,
  city_code     varchar(6) NOT NULL,
  sha256        char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  media_type    text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf',
                  'audio/mpeg', 'video/mp4')),
  size_bytes    integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
  original_name text,
  stage         text NOT NULL DEFAULT 'intake' CHECK (stage IN ('intake', 'handling', 'feedback', 'verify', 'other')),
  uploaded_by   bigint REFERENCES app_user (id),
  uploaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_attachment_event_idx ON event_attachment (event_id);

-- Dispatch rules: the first enabled rule (lowest priority number) that matches the event and
-- whose target resolves to an existing unit chooses the assignee; no match → 属地兜底
-- (grid inspector, then community committee, then street office). NULL criteria match anything.
CREATE TABLE dispatch_rule (
  id            serial PRIMARY KEY,
  city_code     varchar(6),
  name          text NOT NULL,
  priority      integer NOT NULL,
  enabled       boolean NOT NULL DEFAULT true,
  channels      text[],
  class_prefix  text CHECK (class_prefix ~ '^[0-9]{2}([0-9]{2})?$'),
  demand_types  text[],
  area_prefix   text CHECK (area_prefix ~ '^[0-9]{4,12}$'),
  target        text NOT NULL CHECK (target IN ('grid_inspector', 'community', 'street', 'district', 'owner_department', 'department')),
  department_code text,
  CHECK ((target = 'department') = (department_code IS NOT NULL))
);
INSERT INTO dispatch_rule (name, priority, class_prefix, demand_types, target) VALUES
  ('突发事件按属主派遣至职能部门', 10, '04', NULL, 'owner_department'),
  ('社会治理事件属地网格接单', 20, '06', NULL, 'grid_inspector'),
  ('群众求助咨询由属地社区办理', 30, '99', ARRAY['求助', '咨询'], 'community'),
  ('城市管理事件按属主派遣', 50, NULL, NULL, 'owner_department');

-- Working calendar: work periods of a day, and days that differ from the Monday-Friday rule
-- (public holidays on weekdays, 调休 make-up working days on weekends). city_code '000000' is
-- the national calendar; a city's own rows take precedence.
CREATE TABLE work_period (
  city_code   varchar(6) NOT NULL,
  start_time  time NOT NULL,
  end_time    time NOT NULL,
  CHECK (end_time > start_time),
  PRIMARY KEY (city_code, start_time)
);
INSERT INTO work_period (city_code, start_time, end_time) VALUES
  ('000000', '08:30', '12:00'),
  ('000000', '13:30', '17:30');

CREATE TABLE calendar_day (
  city_code  varchar(6) NOT NULL,
  day        date NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name       text NOT NULL,
  PRIMARY KEY (city_code, day)
);
-- 国务院办公厅 holiday notices for 2025 and 2026 (weekend days inside a holiday block are
-- listed too so the block reads as one).
INSERT INTO calendar_day (city_code, day, kind, name)
SELECT '000000', d::date, 'holiday', n FROM (VALUES
  ('2025-01-01', '2025-01-01', '元旦'), ('2025-01-28', '2025-02-04', '春节'), ('2025-04-04', '2025-04-06', '清明节'),
  ('2025-05-01', '2025-05-05', '劳动节'), ('2025-05-31', '2025-06-02', '端午节'), ('2025-10-01', '2025-10-08', '国庆节、中秋节'),
  ('2026-01-01', '2026-01-03', '元旦'), ('2026-02-15', '2026-02-23', '春节'), ('2026-04-04', '2026-04-06', '清明节'),
  ('2026-05-01', '2026-05-05', '劳动节'), ('2026-06-19', '2026-06-21', '端午节'), ('2026-09-25', '2026-09-27', '中秋节'),
  ('2026-10-01', '2026-10-07', '国庆节')
) AS h (a, b, n), generate_series(a::date, b::date, interval '1 day') AS d;
INSERT INTO calendar_day (city_code, day, kind, name) VALUES
  ('000000', '2025-01-26', 'workday', '春节调休上班'), ('000000', '2025-02-08', 'workday', '春节调休上班'),
  ('000000', '2025-04-27', 'workday', '劳动节调休上班'), ('000000', '2025-09-28', 'workday', '国庆节调休上班'),
  ('000000', '2025-10-11', 'workday', '国庆节调休上班'),
  ('000000', '2026-01-04', 'workday', '元旦调休上班'), ('000000', '2026-02-14', 'workday', '春节调休上班'),
  ('000000', '2026-02-28', 'workday', '春节调休上班'), ('000000', '2026-05-09', 'workday', '劳动节调休上班'),
  ('000000', '2026-09-20', 'workday', '国庆节调休上班'), ('000000', '2026-10-10', 'workday', '国庆节调休上班');

-- Deadlines the scheduler acts on. A timer is a row: a restart loses nothing, and claiming
-- with FOR UPDATE SKIP LOCKED in the transaction that acts on it means two instances never
-- both act on one timer.
CREATE TABLE event_timer (
  id          bigserial PRIMARY KEY,
  event_id    bigint NOT NULL,
  city_code   varchar(6) NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('sign', 'plan', 'handle', 'escalate', 'answer')),
  -- the dispatch (event.dispatched_at) the timer belongs to: after a reassignment, escalation
  -- or redispatch the event has a new one and older timers are stale
  assignment_at timestamptz NOT NULL,
  due_at      timestamptz NOT NULL,
  state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
  payload     jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  fired_at    timestamptz,
  outcome     text
);
CREATE INDEX event_timer_due_idx ON event_timer (due_at) WHERE state = 'pending';
CREATE INDEX event_timer_event_idx ON event_timer (event_id);

-- Supervision orders (督办单) and yellow/red cards; an order requires an answer.
CREATE TABLE event_supervision (
  id             bigserial PRIMARY KEY,
  event_id       bigint NOT NULL,
  city_code      varchar(6) NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('sign_overdue', 'plan_overdue', 'handle_overdue', 'escalation', 'manual')),
  card           text CHECK (card IN ('yellow', 'red')),
  department_id  bigint REFERENCES department (id),
  reason         text NOT NULL,
  timer_id       bigint UNIQUE REFERENCES event_timer (id),
  issued_by      bigint REFERENCES app_user (id),
  issued_at      timestamptz NOT NULL DEFAULT now(),
  answer_due_at  timestamptz,
  answered_at    timestamptz,
  answer         text
);
CREATE INDEX event_supervision_event_idx ON event_supervision (event_id);

-- Outbox: messages to third-party platforms and listeners, delivered at least once with
-- retry and back-off; (topic, key) deduplicates.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  city_code     varchar(6) NOT NULL,
  topic         text NOT NULL,
  key           text NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  available_at  timestamptz NOT NULL DEFAULT now(),
  attempts      integer NOT NULL DEFAULT 0,
  delivered_at  timestamptz,
  last_error    text,
  UNIQUE (topic, key)
);
CREATE INDEX outbox_pending_idx ON outbox (available_at) WHERE delivered_at IS NULL;

CREATE TABLE outbox_delivery (
  id           bigserial PRIMARY KEY,
  outbox_id    bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  status_code  integer,
  error        text,
  duration_ms  integer
);
