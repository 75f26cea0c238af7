-- Patrol (巡查) and attendance (考勤), issue 10 item 6: task templates over grids or
-- checkpoints, tasks per member and day, visits detected from positions, sign-in / sign-out.
--
-- Layout decisions
-- * A template belongs to an admin area (admin_code): its jurisdiction. Tasks and attendance
--   carry the member's community (community_code), the jurisdiction of what a member did.
-- * A task is one member's work for one day under one template: UNIQUE (template, member, day)
--   makes generation idempotent (a second scheduler pass or a second instance adds nothing).
-- * Visits are recomputed from the day's fixes whenever the member's devices report (late and
--   out-of-order fixes included), so they are derived data: a task's visits are replaced as a
--   whole, never patched.
-- * Required visits count per target (each checkpoint, or each grid) and per task (one day).

CREATE TABLE patrol_template (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  admin_code       varchar(12) NOT NULL REFERENCES admin_division (code),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- daily: every working day of the city's calendar; weekly: ISO weekdays (1 = Monday);
  -- custom: every every_days days counted from anchor_date
  period           text NOT NULL CHECK (period IN ('daily', 'weekly', 'custom')),
  weekdays         smallint[] NOT NULL DEFAULT '{}',
  every_days       integer CHECK (every_days BETWEEN 1 AND 366),
  anchor_date      date,
  target_kind      text NOT NULL CHECK (target_kind IN ('grid', 'checkpoint')),
  grid_codes       varchar(20)[] NOT NULL DEFAULT '{}',
  required_visits  integer NOT NULL DEFAULT 1 CHECK (required_visits BETWEEN 1 AND 100),
  min_minutes      real NOT NULL CHECK (min_minutes > 0 AND min_minutes <= 720),
  -- members who patrol; empty: the members assigned to the target grids on the day
  member_ids       bigint[] NOT NULL DEFAULT '{}',
  active_from      date NOT NULL,
  active_to        date,
  -- false: deleted (kept because tasks refer to it)
  active           boolean NOT NULL DEFAULT true,
  version          integer NOT NULL DEFAULT 1,
  created_by       bigint REFERENCES app_user (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (active_to IS NULL OR active_to >= active_from),
  CHECK (period <> 'weekly' OR cardinality(weekdays) >= 1),
  CHECK (weekdays <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]),
  CHECK (period <> 'custom' OR (every_days IS NOT NULL AND anchor_date IS NOT NULL)),
  CHECK (target_kind <> 'grid' OR cardinality(grid_codes) >= 1)
);
CREATE INDEX patrol_template_admin_idx ON patrol_template (admin_code text_pattern_ops) WHERE active;

-- Checkpoints (巡查点) of a checkpoint template: a point with a radius.
CREATE TABLE patrol_checkpoint (
  id           bigserial PRIMARY KEY,
  template_id  bigint NOT NULL REFERENCES patrol_template (id) ON DELETE CASCADE,
  seq          smallint NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  radius_m     real NOT NULL CHECK (radius_m >= 1 AND radius_m <= 2000),
  geom         geometry(Point, 4490) NOT NULL,
  -- what the client sent and the conversion applied (as intake records it)
  source       jsonb NOT NULL,
  UNIQUE (template_id, seq)
);

CREATE TABLE patrol_task (
  id               bigserial PRIMARY KEY,
  template_id      bigint NOT NULL REFERENCES patrol_template (id),
  member_id        bigint NOT NULL REFERENCES grid_member (id),
  day              date NOT NULL,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'missed')),
  -- targets × required visits, and the visits that count toward it (capped per target)
  required_total   integer NOT NULL DEFAULT 0,
  visits_counted   integer NOT NULL DEFAULT 0,
  progress_at      timestamptz,
  done_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (template_id, member_id, day)
);
CREATE INDEX patrol_task_day_idx ON patrol_task (day, community_code text_pattern_ops);
CREATE INDEX patrol_task_member_idx ON patrol_task (member_id, day);
CREATE INDEX patrol_task_open_idx ON patrol_task (day) WHERE status = 'open';

-- A stay inside a target (checkpoint radius or grid) for at least the template's minimum.
CREATE TABLE patrol_visit (
  id             bigserial PRIMARY KEY,
  task_id        bigint NOT NULL REFERENCES patrol_task (id) ON DELETE CASCADE,
  target_kind    text NOT NULL CHECK (target_kind IN ('grid', 'checkpoint')),
  checkpoint_id  bigint REFERENCES patrol_checkpoint (id) ON DELETE CASCADE,
  grid_code      varchar(20),
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz NOT NULL,
  fixes          integer NOT NULL,
  CHECK (ended_at >= started_at),
  CHECK ((target_kind = 'checkpoint') = (checkpoint_id IS NOT NULL)),
  CHECK ((target_kind = 'grid') = (grid_code IS NOT NULL))
);
CREATE INDEX patrol_visit_task_idx ON patrol_visit (task_id, started_at);

-- The scheduler pass's watermark: device_live.received_at up to which fixes were looked at.
CREATE TABLE patrol_watermark (
  name          text PRIMARY KEY,
  processed_to  timestamptz NOT NULL
);

-- Sign-in / sign-out (签到 / 签退) of a grid member, judged when recorded.
CREATE TABLE attendance (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  member_id       bigint NOT NULL REFERENCES grid_member (id),
  user_id         bigint REFERENCES app_user (id),
  community_code  varchar(12) NOT NULL,
  action          text NOT NULL CHECK (action IN ('sign_in', 'sign_out')),
  at              timestamptz NOT NULL DEFAULT now(),
  day             date NOT NULL,
  geom            geometry(Point, 4490) NOT NULL,
  source          jsonb NOT NULL,
  accuracy        real CHECK (accuracy >= 0),
  -- in_grid: inside an assigned base grid (within the accuracy); outside_grid: farther;
  -- no_grid: the member has no current base grid
  place_status    text NOT NULL CHECK (place_status IN ('in_grid', 'outside_grid', 'no_grid')),
  grid_code       varchar(20),
  distance_m      real,
  workday         boolean NOT NULL,
  -- minutes after work start (sign-in) / before work end (sign-out) on a working day; 0 when on time
  late_minutes    real,
  early_minutes   real,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attendance_day_idx ON attendance (day, community_code text_pattern_ops);
CREATE INDEX attendance_member_idx ON attendance (member_id, at);
