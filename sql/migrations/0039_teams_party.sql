-- Teams (队伍信息, 群防群治) and party-building (党建引领): Heilongjiang 6.1.3.1, 6.3.4 and 6.3.1.
--
-- * Register table contract (shared by every register): city_code, community_code (jurisdiction,
--   REFERENCES admin_division), grid_code (the current base grid containing geom, found on write;
--   for rows without a point the grid the row is placed in, checked on write), geom Point 4490,
--   verified_at (last 核实), version (optimistic edits).
-- * A team's or party organisation's community_code is the admin area it belongs to: a community
--   for most, a street, district or the city for the 综治中心 and 党委 above them (any 12-digit
--   admin code; jurisdiction filters by prefix, so a street's staff see their street's centre and
--   a community's staff do not).
-- * team.parent_id and party_org.parent_id form the organisation charts; a row can never be its
--   own ancestor (the service answers 422 first; the trigger guards against races).
-- * team_service: a demand (an event of the caller's jurisdiction, or a description and a place)
--   dispatched to a team, assigned → accepted → done → rated (or cancelled), rated 1-5 with a
--   comment. team_activity: the team's ledger (台账) of patrols, services, trainings and help
--   given, with hours (duration) and participants; a finished service writes its ledger line.
-- * party_member.resident_id links a member to the people register's resident when one exists
--   (the foreign key is added only where that table is present, see the end of this file).

CREATE TABLE team (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  parent_id       bigint REFERENCES team (id),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind            text NOT NULL CHECK (kind IN ('org', 'patrol_fulltime', 'patrol_volunteer', 'security_company', 'volunteer_group')),
  specialties     text[] NOT NULL DEFAULT '{}',
  leader_name     text CHECK (length(leader_name) BETWEEN 1 AND 50),
  leader_phone    text CHECK (length(leader_phone) BETWEEN 7 AND 20),
  address         text CHECK (length(address) <= 200),
  note            text CHECK (length(note) <= 1000),
  active          boolean NOT NULL DEFAULT true,
  geom            geometry(Point, 4490),
  verified_at     timestamptz,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id),
  UNIQUE (community_code, name)
);
CREATE INDEX team_community_idx ON team (community_code text_pattern_ops);
CREATE INDEX team_grid_idx ON team (grid_code);
CREATE INDEX team_geom_idx ON team USING gist (geom);
CREATE INDEX team_parent_idx ON team (parent_id);

CREATE TABLE team_member (
  id              bigserial PRIMARY KEY,
  team_id         bigint NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  phone           text CHECK (length(phone) BETWEEN 7 AND 20),
  duty            text NOT NULL DEFAULT 'member' CHECK (duty IN ('leader', 'deputy', 'member')),
  joined_on       date,
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_member_team_idx ON team_member (team_id);
CREATE INDEX team_member_community_idx ON team_member (community_code text_pattern_ops);

-- The base grids a team serves (落入网格统一管理).
CREATE TABLE team_grid (
  team_id    bigint NOT NULL REFERENCES team (id) ON DELETE CASCADE,
  grid_code  varchar(20) NOT NULL,
  PRIMARY KEY (team_id, grid_code)
);
CREATE INDEX team_grid_code_idx ON team_grid (grid_code);

CREATE TABLE team_service (
  id              bigserial PRIMARY KEY,
  team_id         bigint NOT NULL REFERENCES team (id),
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  event_id        bigint,
  event_number    varchar(20),
  description     text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  address         text CHECK (length(address) <= 200),
  geom            geometry(Point, 4490),
  status          text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'accepted', 'done', 'rated', 'cancelled')),
  dispatched_by   bigint,
  dispatcher_name text,
  dispatched_at   timestamptz NOT NULL DEFAULT now(),
  accepted_at     timestamptz,
  done_at         timestamptz,
  result          text CHECK (length(result) <= 2000),
  hours           numeric(7, 2) CHECK (hours > 0 AND hours <= 1000),
  participants    integer CHECK (participants BETWEEN 1 AND 10000),
  rating          smallint CHECK (rating BETWEEN 1 AND 5),
  rating_comment  text CHECK (length(rating_comment) <= 1000),
  rated_at        timestamptz,
  rated_by        bigint,
  cancel_reason   text CHECK (length(cancel_reason) <= 500),
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'rated') = (rating IS NOT NULL)),
  CHECK (status NOT IN ('done', 'rated') OR (done_at IS NOT NULL AND hours IS NOT NULL))
);
CREATE INDEX team_service_team_idx ON team_service (team_id, dispatched_at DESC);
CREATE INDEX team_service_community_idx ON team_service (community_code text_pattern_ops);
CREATE INDEX team_service_event_idx ON team_service (event_number) WHERE event_number IS NOT NULL;

CREATE TABLE team_activity (
  id              bigserial PRIMARY KEY,
  team_id         bigint NOT NULL REFERENCES team (id),
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  kind            text NOT NULL CHECK (kind IN ('patrol', 'service', 'training', 'help', 'publicity')),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  started_at      timestamptz NOT NULL,
  hours           numeric(7, 2) NOT NULL CHECK (hours > 0 AND hours <= 1000),
  participants    integer NOT NULL DEFAULT 1 CHECK (participants BETWEEN 1 AND 10000),
  service_id      bigint UNIQUE REFERENCES team_service (id),
  note            text CHECK (length(note) <= 1000),
  created_by      bigint,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX team_activity_team_idx ON team_activity (team_id, started_at DESC);
CREATE INDEX team_activity_community_idx ON team_activity (community_code text_pattern_ops);

CREATE TABLE party_org (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code        varchar(20),
  parent_id        bigint REFERENCES party_org (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind             text NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch', 'group')),
  secretary_name   text CHECK (length(secretary_name) BETWEEN 1 AND 50),
  secretary_phone  text CHECK (length(secretary_phone) BETWEEN 7 AND 20),
  founded_on       date,
  note             text CHECK (length(note) <= 1000),
  verified_at      timestamptz,
  version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id),
  UNIQUE (community_code, name)
);
CREATE INDEX party_org_community_idx ON party_org (community_code text_pattern_ops);
CREATE INDEX party_org_grid_idx ON party_org (grid_code);
CREATE INDEX party_org_parent_idx ON party_org (parent_id);

CREATE TABLE party_member (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code        varchar(20),
  org_id           bigint NOT NULL REFERENCES party_org (id),
  resident_id      bigint,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  phone            text CHECK (length(phone) BETWEEN 7 AND 20),
  gender           text CHECK (gender IN ('male', 'female')),
  joined_on        date,
  status           text NOT NULL DEFAULT 'full' CHECK (status IN ('full', 'probationary')),
  in_difficulty    boolean NOT NULL DEFAULT false,
  difficulty       text CHECK (difficulty IN ('illness', 'disability', 'poverty', 'elderly_alone', 'other')),
  note             text CHECK (length(note) <= 1000),
  verified_at      timestamptz,
  version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (in_difficulty OR difficulty IS NULL)
);
CREATE INDEX party_member_community_idx ON party_member (community_code text_pattern_ops);
CREATE INDEX party_member_grid_idx ON party_member (grid_code);
CREATE INDEX party_member_org_idx ON party_member (org_id);
CREATE UNIQUE INDEX party_member_resident_idx ON party_member (resident_id) WHERE resident_id IS NOT NULL;
-- the natural key of imports: a member by name within the organisation
CREATE UNIQUE INDEX party_member_org_name_idx ON party_member (org_id, name);

-- 阵地: party service centres, activity and study rooms, volunteer stations.
CREATE TABLE party_position (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code        varchar(20),
  org_id           bigint REFERENCES party_org (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind             text NOT NULL CHECK (kind IN ('service_center', 'activity_room', 'study_room', 'volunteer_station', 'other')),
  address          text CHECK (length(address) <= 200),
  area_m2          integer CHECK (area_m2 BETWEEN 1 AND 100000),
  open_hours       text CHECK (length(open_hours) <= 100),
  geom             geometry(Point, 4490) NOT NULL,
  verified_at      timestamptz,
  version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (community_code, name)
);
CREATE INDEX party_position_community_idx ON party_position (community_code text_pattern_ops);
CREATE INDEX party_position_grid_idx ON party_position (grid_code);
CREATE INDEX party_position_geom_idx ON party_position USING gist (geom);

CREATE TABLE party_activity (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  org_id           bigint NOT NULL REFERENCES party_org (id),
  position_id      bigint REFERENCES party_position (id),
  kind             text NOT NULL CHECK (kind IN ('meeting', 'study', 'theme_day', 'volunteer', 'other')),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  held_at          timestamptz NOT NULL,
  hours            numeric(6, 2) NOT NULL CHECK (hours > 0 AND hours <= 100),
  participants     integer NOT NULL CHECK (participants BETWEEN 1 AND 10000),
  note             text CHECK (length(note) <= 1000),
  created_by       bigint,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX party_activity_community_idx ON party_activity (community_code text_pattern_ops, held_at DESC);
CREATE INDEX party_activity_org_idx ON party_activity (org_id);

CREATE TABLE party_project (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  org_id           bigint NOT NULL REFERENCES party_org (id),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status           text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'ongoing', 'done')),
  started_on       date,
  due_on           date,
  budget           numeric(12, 2) CHECK (budget >= 0),
  description      text CHECK (length(description) <= 2000),
  version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (due_on IS NULL OR started_on IS NULL OR due_on >= started_on)
);
CREATE INDEX party_project_community_idx ON party_project (community_code text_pattern_ops);
CREATE INDEX party_project_org_idx ON party_project (org_id);

-- 党员关爱: care given to a member (in difficulty, mostly).
CREATE TABLE party_care (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL,
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  member_id        bigint NOT NULL REFERENCES party_member (id),
  kind             text NOT NULL CHECK (kind IN ('visit', 'subsidy', 'medical', 'festival', 'other')),
  cared_on         date NOT NULL,
  amount           numeric(10, 2) CHECK (amount >= 0),
  note             text CHECK (length(note) <= 1000),
  created_by       bigint,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX party_care_community_idx ON party_care (community_code text_pattern_ops, cared_on DESC);
CREATE INDEX party_care_member_idx ON party_care (member_id);

-- No row may become its own ancestor (a cycle would make the chart endless).
CREATE FUNCTION org_chart_no_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  found boolean;
BEGIN
  IF NEW.parent_id IS NULL THEN
    RETURN NEW;
  END IF;
  EXECUTE format('WITH RECURSIVE up(id, parent_id, depth) AS (
      SELECT id, parent_id, 1 FROM %I WHERE id = $1
      UNION ALL
      SELECT t.id, t.parent_id, up.depth + 1 FROM %I t JOIN up ON t.id = up.parent_id WHERE up.depth < 100)
    SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)', TG_TABLE_NAME, TG_TABLE_NAME)
    INTO found USING NEW.parent_id, NEW.id;
  IF found THEN
    RAISE EXCEPTION 'org chart cycle in %', TG_TABLE_NAME USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER team_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON team
  FOR EACH ROW EXECUTE FUNCTION org_chart_no_cycle();
CREATE TRIGGER party_org_no_cycle BEFORE INSERT OR UPDATE OF parent_id ON party_org
  FOR EACH ROW EXECUTE FUNCTION org_chart_no_cycle();

-- The resident link, where the people register (migration 0035) is present.
DO $$
BEGIN
  IF to_regclass('resident') IS NOT NULL THEN
    ALTER TABLE party_member ADD CONSTRAINT party_member_resident_fk FOREIGN KEY (resident_id) REFERENCES resident (id) ON DELETE SET NULL;
  END IF;
END $$;
