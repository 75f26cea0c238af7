-- Proactive services (主动服务, issue 20 item 4): rules over the registers that make tasks for the
-- inspector of a resident's grid, once per person, rule and period (the unique key below), so a
-- pass run twice, or by two instances, makes no second task.

-- 身份证有效期至: the date printed on the card (null: not collected, or long-term 长期)
ALTER TABLE resident ADD COLUMN id_card_valid_until date;

-- A city's rules. Every change is a new version (proactive_rule_version keeps each one with who
-- and why); a task names the version that made it. A deleted rule stays for its tasks' sake.
CREATE TABLE proactive_rule (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('id_card_expiry', 'school_age', 'lone_elderly_visit')),
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  params          jsonb NOT NULL,
  enabled         boolean NOT NULL DEFAULT true,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  deleted_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX proactive_rule_city_idx ON proactive_rule (city_code) WHERE deleted_at IS NULL;

CREATE TABLE proactive_rule_version (
  rule_id         bigint NOT NULL REFERENCES proactive_rule (id) ON DELETE CASCADE,
  version         integer NOT NULL,
  name            text NOT NULL,
  params          jsonb NOT NULL,
  enabled         boolean NOT NULL,
  deleted         boolean NOT NULL DEFAULT false,
  reason          text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
  changed_by      bigint REFERENCES app_user (id),
  changed_by_name text,
  changed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, version)
);

-- A visit to a resident (走访) outside the special groups' own visits: a lone elderly resident's
-- task done records one, and the next visit falls due from it.
CREATE TABLE resident_visit (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  resident_id     bigint NOT NULL REFERENCES resident (id) ON DELETE CASCADE,
  visited_at      timestamptz NOT NULL,
  method          text NOT NULL CHECK (method IN ('home', 'phone', 'video', 'office')),
  notes           text CHECK (length(notes) <= 2000),
  visited_by      bigint REFERENCES app_user (id),
  task_id         bigint,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resident_visit_resident_idx ON resident_visit (resident_id, visited_at DESC);

CREATE TABLE proactive_task (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  rule_id         bigint NOT NULL REFERENCES proactive_rule (id),
  rule_version    integer NOT NULL,
  kind            text NOT NULL,
  resident_id     bigint NOT NULL REFERENCES resident (id) ON DELETE CASCADE,
  -- the period the task answers: the card's expiry date, the school year, the day a visit fell due
  period_key      text NOT NULL,
  community_code  varchar(12) NOT NULL,
  grid_code       varchar(20),
  due_on          date NOT NULL,
  detail          jsonb NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dismissed')),
  closed_at       timestamptz,
  closed_by       bigint REFERENCES app_user (id),
  note            text CHECK (length(note) <= 2000),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (rule_id, resident_id, period_key),
  CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX proactive_task_community_idx ON proactive_task (community_code text_pattern_ops, status);
CREATE INDEX proactive_task_grid_idx ON proactive_task (grid_code, status);
