-- Warnings (预警): rules a city can tune (defaults live in code until it does), every change of a
-- rule kept, the warnings raised by the scheduled pass, and the pass's per-rule clock.
--
-- * warning_rule: one row per city and kind once a city tunes it; `version` counts changes
--   (0 = the built-in defaults, never stored), a PUT names the version it saw (optimistic lock).
-- * warning_rule_revision: each stored version, with who, when and why; the warning carries the
--   rule version that raised it, so a past warning can be explained by the params of its time.
-- * warning: area_code is 12 digits, a community or a coarser division padded with zeros (a street
--   warning is 990102001000): jurisdiction is `area_code LIKE ANY(patterns)`, so a community user
--   does not see a street-level warning. dedupe_key is unique per city and kind: a pass run twice,
--   or by two instances at once, stores a warning once (INSERT … ON CONFLICT DO NOTHING).
--   `subject` is an internal grouping key (a reporter: 'u:<user id>' or md5 of the phone) that the
--   API never returns.
-- * warning_run: when a rule last ran per city, so the costlier rules run every few minutes
--   rather than every pass, whichever instance runs the pass.
CREATE TABLE warning_rule (
  city_code   varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  kind        text NOT NULL CHECK (kind IN ('spike', 'mass', 'repeat_reporter', 'near_deadline', 'new_hotspot')),
  enabled     boolean NOT NULL,
  params      jsonb NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  updated_by  bigint REFERENCES app_user (id),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_code, kind)
);

CREATE TABLE warning_rule_revision (
  city_code   varchar(6) NOT NULL,
  kind        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  enabled     boolean NOT NULL,
  params      jsonb NOT NULL,
  changed_by  bigint REFERENCES app_user (id),
  changed_at  timestamptz NOT NULL DEFAULT now(),
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  PRIMARY KEY (city_code, kind, version)
);

CREATE TABLE warning (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('spike', 'mass', 'repeat_reporter', 'near_deadline', 'new_hotspot')),
  rule_version     integer NOT NULL CHECK (rule_version >= 0),
  -- 1 红, 2 橙, 3 黄
  level            smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  detail           jsonb NOT NULL DEFAULT '{}',
  area_code        varchar(12) NOT NULL CHECK (area_code ~ '^[0-9]{12}$'),
  geom             geometry(Point, 4490) NOT NULL,
  event_ids        bigint[] NOT NULL DEFAULT '{}',
  dedupe_key       text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 200),
  subject          text,
  raised_at        timestamptz NOT NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  bigint REFERENCES app_user (id),
  ack_comment      text CHECK (length(ack_comment) <= 500),
  UNIQUE (city_code, kind, dedupe_key)
);
CREATE INDEX warning_area_idx ON warning (area_code text_pattern_ops, raised_at);
CREATE INDEX warning_raised_idx ON warning (raised_at DESC, id DESC);
CREATE INDEX warning_subject_idx ON warning (city_code, kind, subject, raised_at) WHERE subject IS NOT NULL;

CREATE TABLE warning_run (
  city_code    varchar(6) NOT NULL,
  kind         text NOT NULL,
  last_run_at  timestamptz NOT NULL,
  PRIMARY KEY (city_code, kind)
);

-- 临期: open events by handling deadline (the near-deadline rule reads a two-hour slice of it).
CREATE INDEX event_handle_due_idx ON event (handle_due_at) WHERE status IN ('dispatched', 'signed', 'handling');
