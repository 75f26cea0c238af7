-- Foundation schema: admin divisions, grids, departments, users and jurisdiction,
-- grid members, component and event classes, components, standard addresses.
--
-- Conventions
-- * Geometry is stored in CGCS2000 (EPSG:4490), lon/lat order (PostGIS axis order).
-- * Every large table carries city_code (the 6-digit GB/T 2260 city code) so it can be
--   distributed by city later (Citus) and so one database can hold a whole province.
-- * Admin codes are the 12-digit statistical division codes; jurisdiction checks compare
--   a row's community_code against code prefixes (see server/db/jurisdiction.ts).
-- * The SQL must run on PostgreSQL 15 + PostGIS 3.3 (Debian) and on PGlite (PG 18 + PostGIS 3.6).

CREATE EXTENSION IF NOT EXISTS postgis;

-- Admin divisions: city → district → street (街道/镇/乡) → community (社区/村).
CREATE TABLE admin_division (
  code         varchar(12) PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
  level        text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  parent_code  varchar(12) REFERENCES admin_division (code),
  city_code    varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  geom         geometry(MultiPolygon, 4490) NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- the code's shape must agree with its level (statistical division code rules)
  CHECK (
    (level = 'city'      AND substr(code, 5) = '00000000' AND parent_code IS NULL) OR
    (level = 'district'  AND substr(code, 5, 2) <> '00' AND substr(code, 7) = '000000') OR
    (level = 'street'    AND substr(code, 7, 3) <> '000' AND substr(code, 10) = '000') OR
    (level = 'community' AND substr(code, 10, 3) <> '000')
  )
);
CREATE INDEX admin_division_parent_idx ON admin_division (parent_code);
CREATE INDEX admin_division_geom_idx ON admin_division USING gist (geom);

-- Industry grid types (城管, 综治, 消防, 环保, 河长 ...). object_class is the 6-digit managed-object
-- class that leads the 20-digit industry grid code.
CREATE TABLE industry_type (
  code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  name          text NOT NULL,
  object_class  varchar(6) NOT NULL UNIQUE CHECK (object_class ~ '^[0-9]{6}$')
);

-- Grids. One row per boundary version: a boundary change closes the current row
-- (valid_to) and opens a new one with version + 1, so events keep the version they
-- were geocoded against. Base grid code: 15 digits = community code + 3-digit sequence.
-- Industry grid code: 20 digits = object class + county + street + community + 2-digit sequence.
CREATE TABLE grid (
  id              bigserial PRIMARY KEY,
  code            varchar(20) NOT NULL,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  kind            text NOT NULL CHECK (kind IN ('base', 'industry')),
  industry_type   text REFERENCES industry_type (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code       varchar(6) NOT NULL,
  households      integer CHECK (households >= 0),
  population      integer CHECK (population >= 0),
  geom            geometry(MultiPolygon, 4490) NOT NULL,
  valid_from      timestamptz NOT NULL DEFAULT now(),
  valid_to        timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK (
    (kind = 'base' AND industry_type IS NULL AND code ~ '^[0-9]{15}$'
       AND substr(code, 1, 12) = community_code) OR
    (kind = 'industry' AND industry_type IS NOT NULL AND code ~ '^[0-9]{20}$'
       AND substr(code, 7, 12) = community_code)
  ),
  UNIQUE (code, version)
);
-- only one current version per code
CREATE UNIQUE INDEX grid_current_code_idx ON grid (code) WHERE valid_to IS NULL;
CREATE INDEX grid_geom_idx ON grid USING gist (geom);
CREATE INDEX grid_community_idx ON grid (community_code text_pattern_ops);
CREATE INDEX grid_kind_idx ON grid (kind, industry_type) WHERE valid_to IS NULL;

-- Departments: functional departments (属主), street offices, community committees.
CREATE TABLE department (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('command_center', 'functional', 'district_office',
                                            'street_office', 'community_committee')),
  admin_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  parent_id   bigint REFERENCES department (id),
  city_code   varchar(6) NOT NULL
);
CREATE INDEX department_admin_idx ON department (admin_code text_pattern_ops);

-- Users. role decides what a user may do; jurisdiction (user_jurisdiction) decides what a user may see.
CREATE TABLE app_user (
  id             bigserial PRIMARY KEY,
  username       text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
  display_name   text NOT NULL,
  password_hash  text,
  role           text NOT NULL CHECK (role IN ('command_center', 'district_staff', 'street_staff',
                   'community_staff', 'department', 'grid_inspector', 'gis_analyst',
                   'external_system', 'public')),
  department_id  bigint REFERENCES department (id),
  city_code      varchar(6) NOT NULL,
  phone          text,
  disabled       boolean NOT NULL DEFAULT false,
  -- raised on password change or forced logout: tokens issued before it are refused
  tokens_valid_after timestamptz NOT NULL DEFAULT '2000-01-01',
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- The admin areas a user may see (a district code grants every street and community in it).
CREATE TABLE user_jurisdiction (
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  admin_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  PRIMARY KEY (user_id, admin_code)
);

-- API keys for external systems (数字城管, 综治, 12345). Only a hash is stored; the key is
-- "<prefix>.<secret>" and is shown once. The key acts as its user (role, jurisdiction).
CREATE TABLE api_key (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  name          text NOT NULL,
  prefix        text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{8,16}$'),
  secret_hash   text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);

-- Grid members (网格员 and helpers). One member may serve many grids and one grid many members.
CREATE TABLE grid_member (
  id             bigserial PRIMARY KEY,
  user_id        bigint UNIQUE REFERENCES app_user (id),
  name           text NOT NULL,
  phone          text,
  duty           text NOT NULL DEFAULT 'inspector' CHECK (duty IN ('inspector', 'leader', 'assistant', 'volunteer')),
  department_id  bigint REFERENCES department (id),
  community_code varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code      varchar(6) NOT NULL,
  active         boolean NOT NULL DEFAULT true
);
CREATE INDEX grid_member_community_idx ON grid_member (community_code text_pattern_ops);

-- Assignments reference the grid by code so they survive boundary versions.
CREATE TABLE grid_assignment (
  grid_code   varchar(20) NOT NULL,
  member_id   bigint NOT NULL REFERENCES grid_member (id) ON DELETE CASCADE,
  is_primary  boolean NOT NULL DEFAULT true,
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  PRIMARY KEY (grid_code, member_id, valid_from)
);
CREATE INDEX grid_assignment_member_idx ON grid_assignment (member_id);

-- Component (部件) classes: 4 digits = big class (01 公用设施 … 06 其他设施) + small class.
-- accuracy: A ≤ 0.5 m, B ≤ 1 m, C ≤ 10 m.
CREATE TABLE component_class (
  code       varchar(4) PRIMARY KEY CHECK (code ~ '^(0[1-6]|99)[0-9]{2}$'),
  big_code   varchar(2) NOT NULL,
  big_name   text NOT NULL,
  name       text NOT NULL,
  accuracy   varchar(1) NOT NULL DEFAULT 'B' CHECK (accuracy IN ('A', 'B', 'C')),
  CHECK (big_code = substr(code, 1, 2))
);

-- Components (部件): id is 16 digits = county code (6) + class (4) + sequence (6).
CREATE TABLE component (
  id                      varchar(16) PRIMARY KEY CHECK (id ~ '^[0-9]{16}$'),
  class_code              varchar(4) NOT NULL REFERENCES component_class (code),
  name                    text NOT NULL,
  state                   text NOT NULL DEFAULT '完好' CHECK (state IN ('完好', '破损', '丢失', '占用', '废弃')),
  owner_department_id     bigint REFERENCES department (id),
  maintain_department_id  bigint REFERENCES department (id),
  grid_code               varchar(20),
  community_code          varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code               varchar(6) NOT NULL,
  material                text,
  data_source             text NOT NULL DEFAULT 'survey',
  installed_on            date,
  geom                    geometry(Point, 4490) NOT NULL,
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (substr(id, 7, 4) = class_code AND substr(id, 1, 6) = substr(community_code, 1, 6))
);
CREATE INDEX component_geom_idx ON component USING gist (geom);
CREATE INDEX component_community_idx ON component (community_code text_pattern_ops);
CREATE INDEX component_class_idx ON component (class_code);

-- Event classes: big classes (2 digits) and small classes (4 digits, parent = big class).
-- A small class carries its filing condition, handling time limit and closure condition.
CREATE TABLE event_class (
  code               varchar(4) PRIMARY KEY CHECK (code ~ '^[0-9]{2}([0-9]{2})?$'),
  parent_code        varchar(4) REFERENCES event_class (code),
  domain             text NOT NULL DEFAULT 'city_management' CHECK (domain IN ('city_management', 'social_governance')),
  name               text NOT NULL,
  filing_condition   text,
  closure_condition  text,
  time_limit_value   numeric(8, 2) CHECK (time_limit_value > 0),
  time_limit_unit    text CHECK (time_limit_unit IN ('work_hours', 'work_days', 'natural_hours')),
  owner_department_code text,
  CHECK ((length(code) = 2 AND parent_code IS NULL) OR
         (length(code) = 4 AND parent_code = substr(code, 1, 2))),
  CHECK ((time_limit_value IS NULL) = (time_limit_unit IS NULL))
);

-- Standard addresses (GA/T 2000.32 levels): 40 road/estate, 50 building (doorplate), 60 unit/room.
CREATE TABLE std_address (
  id              bigserial PRIMARY KEY,
  level           smallint NOT NULL CHECK (level IN (10, 20, 30, 40, 50, 60)),
  full_address    text NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code       varchar(6) NOT NULL,
  road            text,
  house_number    text,
  estate          text,
  building        text,
  unit            text,
  room            text,
  geom            geometry(Point, 4490) NOT NULL
);
CREATE INDEX std_address_geom_idx ON std_address USING gist (geom);
CREATE INDEX std_address_community_idx ON std_address (community_code text_pattern_ops);
CREATE INDEX std_address_road_idx ON std_address (road, house_number);
