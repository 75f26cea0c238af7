-- Special groups (特殊人群, issue 14 item 2): residents under community correction, released
-- persons, drug users, persons with a mental illness with risk, at-risk minors; their follow-up
-- visits (走访) and visit plans. Being in a special group is itself the sensitive fact: every read
-- is audited (server/special-groups/), the layer is for the people roles only.
--
-- A row is placed where its resident lives: community, grid and point are copied from the
-- resident when the row is written (and again when the resident is re-read on an edit).

CREATE TABLE special_group (
  id                    bigserial PRIMARY KEY,
  city_code             varchar(6) NOT NULL,
  community_code        varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code             varchar(20),
  geom                  geometry(Point, 4490),
  resident_id           bigint NOT NULL REFERENCES resident (id),
  kind                  text NOT NULL CHECK (kind IN ('community_correction', 'released', 'drug', 'mental_risk', 'minor_at_risk')),
  risk_level            text NOT NULL CHECK (risk_level IN ('high', 'medium', 'low')),
  -- the grid member who follows the person up (帮扶责任人)
  responsible_member_id bigint REFERENCES grid_member (id),
  -- guardian or contact (监护人): personal fields (server/privacy/fields.ts)
  guardian_name         text CHECK (char_length(guardian_name) <= 50),
  guardian_phone        text CHECK (char_length(guardian_phone) <= 20),
  since                 date NOT NULL,
  until                 date,
  note                  text CHECK (char_length(note) <= 2000),
  -- the last visit's time, kept by the visit insert (the plan's due date counts from it)
  last_visit_at         timestamptz,
  verified_at           timestamptz,
  version               integer NOT NULL DEFAULT 1,
  created_by            bigint REFERENCES app_user (id),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CHECK (until IS NULL OR until >= since)
);
-- one record per resident and kind: leaving a group sets until, re-entering updates the record
CREATE UNIQUE INDEX special_group_resident_kind_idx ON special_group (resident_id, kind);
CREATE INDEX special_group_community_idx ON special_group (community_code text_pattern_ops);
CREATE INDEX special_group_grid_idx ON special_group (grid_code);
CREATE INDEX special_group_geom_idx ON special_group USING gist (geom);
CREATE INDEX special_group_member_idx ON special_group (responsible_member_id) WHERE responsible_member_id IS NOT NULL;

-- Follow-up visits (走访记录): append-only.
CREATE TABLE special_visit (
  id                bigserial PRIMARY KEY,
  special_group_id  bigint NOT NULL REFERENCES special_group (id),
  city_code         varchar(6) NOT NULL,
  community_code    varchar(12) NOT NULL REFERENCES admin_division (code),
  visited_at        timestamptz NOT NULL,
  method            text NOT NULL CHECK (method IN ('home', 'phone', 'video', 'office')),
  situation         text NOT NULL CHECK (situation IN ('stable', 'attention', 'abnormal')),
  notes             text CHECK (char_length(notes) <= 2000),
  visitor_user_id   bigint REFERENCES app_user (id),
  visitor_member_id bigint REFERENCES grid_member (id),
  geom              geometry(Point, 4490),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX special_visit_group_idx ON special_visit (special_group_id, visited_at DESC, id DESC);
CREATE INDEX special_visit_community_idx ON special_visit (community_code text_pattern_ops);

-- The visit plan of a group (走访计划): how often it is visited. Written with the group from the
-- defaults by kind and risk level (server/special-groups/plan.ts); a manual plan is kept when the
-- risk level changes, a default one follows it.
CREATE TABLE special_visit_plan (
  special_group_id  bigint PRIMARY KEY REFERENCES special_group (id),
  interval_days     integer NOT NULL CHECK (interval_days BETWEEN 1 AND 366),
  source            text NOT NULL CHECK (source IN ('default', 'manual')),
  reason            text CHECK (char_length(reason) <= 500),
  set_by            bigint REFERENCES app_user (id),
  set_at            timestamptz NOT NULL DEFAULT now()
);
