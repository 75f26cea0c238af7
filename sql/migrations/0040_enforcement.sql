-- Joint enforcement (综合执法, Heilongjiang 6.3.2): teams, officers, tasks, 双随机 spot checks drawn
-- from the registers (unit and place of 0037), their results, rectification and supervision.
--
-- * community_code of a team is the admin area it serves (district, street or community: any
--   level of admin_division); its officers, tasks and spot checks copy it, so jurisdiction filters
--   them without a join. A check and a result carry the drawn object's own community and grid.
-- * A spot check records everything its draw used (seed, algorithm, the sorted candidate ids, the
--   officer pool, the conflicts that applied), so anyone re-runs the draw and gets the same one
--   (server/enforcement/draw.ts). Its checks are written once, with the draw, and never edited.
-- * Officers' names, certificate numbers and phones are personal (server/privacy/fields.ts).
-- * A result asking for rectification (责令整改, 立案处罚 with rectification) has a due date; it is
--   overdue while not rectified after that date, and supervision (督办) rows follow it up.

CREATE TABLE enforcement_team (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
  agency          text NOT NULL CHECK (length(agency) BETWEEN 2 AND 100),
  domain          text NOT NULL CHECK (domain IN ('urban', 'market', 'safety', 'environment', 'health', 'fire',
                    'culture', 'transport', 'agriculture', 'general')),
  department_id   bigint REFERENCES department (id) ON DELETE SET NULL,
  office_phone    text CHECK (length(office_phone) BETWEEN 7 AND 20),
  active          boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, name)
);
CREATE INDEX enforcement_team_community_idx ON enforcement_team (community_code text_pattern_ops);

CREATE TABLE enforcement_officer (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  team_id         bigint NOT NULL REFERENCES enforcement_team (id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  certificate_no  varchar(32) NOT NULL UNIQUE CHECK (certificate_no ~ '^[0-9A-Z]{8,32}$'),
  phone           text CHECK (length(phone) BETWEEN 7 AND 20),
  active          boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enforcement_officer_community_idx ON enforcement_officer (community_code text_pattern_ops);
CREATE INDEX enforcement_officer_team_idx ON enforcement_officer (team_id);

-- 回避: an officer never drawn for these objects (a relative's shop, a former employer)
CREATE TABLE enforcement_conflict (
  officer_id   bigint NOT NULL REFERENCES enforcement_officer (id) ON DELETE CASCADE,
  object_type  text NOT NULL CHECK (object_type IN ('unit', 'place')),
  object_id    bigint NOT NULL,
  reason       text NOT NULL CHECK (length(reason) BETWEEN 2 AND 200),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (officer_id, object_type, object_id)
);
CREATE INDEX enforcement_conflict_object_idx ON enforcement_conflict (object_type, object_id);

CREATE TABLE enforcement_task (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  team_id         bigint NOT NULL REFERENCES enforcement_team (id),
  title           text NOT NULL CHECK (length(title) BETWEEN 2 AND 200),
  kind            text NOT NULL CHECK (kind IN ('spot_check', 'special', 'complaint', 'routine')),
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
  description     text CHECK (length(description) <= 2000),
  due_on          date,
  created_by      bigint REFERENCES app_user (id),
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enforcement_task_community_idx ON enforcement_task (community_code text_pattern_ops);

CREATE TABLE enforcement_spot_check (
  id                   bigserial PRIMARY KEY,
  city_code            varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code       varchar(12) NOT NULL REFERENCES admin_division (code),
  task_id              bigint REFERENCES enforcement_task (id),
  title                text NOT NULL CHECK (length(title) BETWEEN 2 AND 200),
  object_type          text NOT NULL CHECK (object_type IN ('unit', 'place')),
  kinds                text[],
  grid_codes           text[],
  exclude_days         integer NOT NULL CHECK (exclude_days BETWEEN 0 AND 3650),
  object_count         integer NOT NULL CHECK (object_count BETWEEN 1 AND 1000),
  officers_per_object  integer NOT NULL CHECK (officers_per_object BETWEEN 2 AND 10),
  team_ids             bigint[] NOT NULL,
  seed                 varchar(64) NOT NULL CHECK (seed ~ '^[0-9a-f]{16,64}$'),
  algorithm            text NOT NULL,
  candidate_ids        bigint[] NOT NULL,
  officer_pool         bigint[] NOT NULL,
  -- [[officerId, objectId], …] of the conflicts that applied among the pool and the candidates
  conflicts            jsonb NOT NULL DEFAULT '[]',
  drawn_at             timestamptz NOT NULL,
  drawn_by             bigint REFERENCES app_user (id),
  published_at         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enforcement_spot_check_community_idx ON enforcement_spot_check (community_code text_pattern_ops);

CREATE TABLE enforcement_check (
  id              bigserial PRIMARY KEY,
  spot_check_id   bigint NOT NULL REFERENCES enforcement_spot_check (id) ON DELETE CASCADE,
  seq             integer NOT NULL CHECK (seq >= 1),
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  object_type     text NOT NULL CHECK (object_type IN ('unit', 'place')),
  object_id       bigint NOT NULL,
  object_name     text NOT NULL,
  drawn_at        timestamptz NOT NULL,
  UNIQUE (spot_check_id, seq),
  UNIQUE (spot_check_id, object_id)
);
CREATE INDEX enforcement_check_object_idx ON enforcement_check (object_type, object_id, drawn_at);
CREATE INDEX enforcement_check_community_idx ON enforcement_check (community_code text_pattern_ops);

CREATE TABLE enforcement_check_officer (
  check_id    bigint NOT NULL REFERENCES enforcement_check (id) ON DELETE CASCADE,
  seq         integer NOT NULL CHECK (seq >= 1),
  officer_id  bigint NOT NULL REFERENCES enforcement_officer (id),
  PRIMARY KEY (check_id, officer_id),
  UNIQUE (check_id, seq)
);
CREATE INDEX enforcement_check_officer_officer_idx ON enforcement_check_officer (officer_id);

CREATE TABLE enforcement_result (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  check_id        bigint UNIQUE REFERENCES enforcement_check (id),
  task_id         bigint REFERENCES enforcement_task (id),
  object_type     text NOT NULL CHECK (object_type IN ('unit', 'place')),
  object_id       bigint NOT NULL,
  object_name     text NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('pass', 'rectify', 'penalty', 'absent', 'closed')),
  findings        text CHECK (length(findings) <= 2000),
  checked_at      timestamptz NOT NULL,
  rectify_due     date,
  rectified_at    timestamptz,
  rectify_note    text CHECK (length(rectify_note) <= 1000),
  penalty_yuan    numeric(12, 2) CHECK (penalty_yuan >= 0),
  event_number    text,
  recorded_by     bigint REFERENCES app_user (id),
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (check_id IS NOT NULL OR task_id IS NOT NULL),
  CHECK (outcome <> 'rectify' OR rectify_due IS NOT NULL),
  CHECK (rectified_at IS NULL OR rectify_due IS NOT NULL),
  CHECK (outcome = 'penalty' OR penalty_yuan IS NULL)
);
CREATE INDEX enforcement_result_community_idx ON enforcement_result (community_code text_pattern_ops);
CREATE INDEX enforcement_result_object_idx ON enforcement_result (object_type, object_id, checked_at);
CREATE INDEX enforcement_result_open_idx ON enforcement_result (rectify_due)
  WHERE rectify_due IS NOT NULL AND rectified_at IS NULL;

-- 督办: a supervision notice on a result whose rectification is overdue, and its answer
CREATE TABLE enforcement_supervision (
  id           bigserial PRIMARY KEY,
  result_id    bigint NOT NULL REFERENCES enforcement_result (id) ON DELETE CASCADE,
  note         text NOT NULL CHECK (length(note) BETWEEN 2 AND 1000),
  answer_due   date NOT NULL,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  issued_by    bigint REFERENCES app_user (id),
  answer       text CHECK (length(answer) <= 1000),
  answered_at  timestamptz
);
CREATE INDEX enforcement_supervision_result_idx ON enforcement_supervision (result_id);
