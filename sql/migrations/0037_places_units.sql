-- Places, units and organisations (重点场所, 单位, 社会组织) with their inspection records.
--
-- * Register table contract (shared by every register): city_code, community_code (jurisdiction,
--   REFERENCES admin_division), grid_code (the current base grid containing geom, found on write;
--   null outside any grid), geom Point 4490, verified_at (last 核实), version (optimistic edits).
-- * Natural keys (import upserts on them): a unit by its 统一社会信用代码 (GB 32100-2015, the check
--   character is verified by the server; the CHECK here only guards the alphabet and length); a
--   place and an organisation by (community_code, name).
-- * A school's or kindergarten's surroundings (周边) is a radius in metres around its point; other
--   kinds carry none. The enforcement capability draws spot checks from unit and place (id, name,
--   kind, community_code, grid_code, geom): keep those names stable.
-- * register_inspection: one row per inspection of a place OR a unit (exactly one of the two),
--   with its rectification (整改) due date and when it was done; community_code is the target's,
--   copied on write so jurisdiction filters inspections without a join.

CREATE TABLE place (
  id                     bigserial PRIMARY KEY,
  city_code              varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code         varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code              varchar(20),
  name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind                   text NOT NULL CHECK (kind IN ('school', 'kindergarten', 'market', 'hazardous', 'logistics',
                           'hospital', 'transport_hub', 'entertainment', 'religious', 'gas_station', 'other')),
  address                text CHECK (length(address) <= 200),
  address_id             bigint REFERENCES std_address (id) ON DELETE SET NULL,
  manager_name           text CHECK (length(manager_name) BETWEEN 1 AND 50),
  manager_phone          text CHECK (length(manager_phone) BETWEEN 7 AND 20),
  risk_level             text NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high')),
  surroundings_radius_m  integer CHECK (surroundings_radius_m BETWEEN 50 AND 2000),
  note                   text CHECK (length(note) <= 1000),
  geom                   geometry(Point, 4490),
  verified_at            timestamptz,
  version                integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  -- only schools and kindergartens have surroundings
  CHECK (surroundings_radius_m IS NULL OR kind IN ('school', 'kindergarten')),
  UNIQUE (community_code, name)
);
CREATE INDEX place_community_idx ON place (community_code text_pattern_ops);
CREATE INDEX place_grid_idx ON place (grid_code);
CREATE INDEX place_geom_idx ON place USING gist (geom);
CREATE INDEX place_kind_idx ON place (kind);

CREATE TABLE unit (
  id                bigserial PRIMARY KEY,
  city_code         varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code    varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code         varchar(20),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind              text NOT NULL CHECK (kind IN ('enterprise', 'shop', 'individual', 'institution',
                      'government', 'other')),
  credit_code       varchar(18) NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  industry          text CHECK (length(industry) BETWEEN 1 AND 50),
  address           text CHECK (length(address) <= 200),
  address_id        bigint REFERENCES std_address (id) ON DELETE SET NULL,
  legal_person      text CHECK (length(legal_person) BETWEEN 1 AND 50),
  contact_name      text CHECK (length(contact_name) BETWEEN 1 AND 50),
  contact_phone     text CHECK (length(contact_phone) BETWEEN 7 AND 20),
  employees         integer CHECK (employees BETWEEN 0 AND 1000000),
  risk_level        text NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high')),
  note              text CHECK (length(note) <= 1000),
  geom              geometry(Point, 4490),
  verified_at       timestamptz,
  version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_community_idx ON unit (community_code text_pattern_ops);
CREATE INDEX unit_grid_idx ON unit (grid_code);
CREATE INDEX unit_geom_idx ON unit USING gist (geom);
CREATE INDEX unit_kind_idx ON unit (kind);

CREATE TABLE organisation (
  id                bigserial PRIMARY KEY,
  city_code         varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code    varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code         varchar(20),
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind              text NOT NULL CHECK (kind IN ('social_group', 'private_non_enterprise', 'foundation',
                      'community_org', 'other')),
  -- registered social organisations have one (leading 5); filed community organisations may not
  credit_code       varchar(18) UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  field             text CHECK (length(field) BETWEEN 1 AND 50),
  members           integer CHECK (members BETWEEN 0 AND 1000000),
  address           text CHECK (length(address) <= 200),
  address_id        bigint REFERENCES std_address (id) ON DELETE SET NULL,
  legal_person      text CHECK (length(legal_person) BETWEEN 1 AND 50),
  contact_phone     text CHECK (length(contact_phone) BETWEEN 7 AND 20),
  note              text CHECK (length(note) <= 1000),
  geom              geometry(Point, 4490),
  verified_at       timestamptz,
  version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (community_code, name)
);
CREATE INDEX organisation_community_idx ON organisation (community_code text_pattern_ops);
CREATE INDEX organisation_grid_idx ON organisation (grid_code);
CREATE INDEX organisation_geom_idx ON organisation USING gist (geom);

CREATE TABLE register_inspection (
  id                  bigserial PRIMARY KEY,
  city_code           varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  community_code      varchar(12) NOT NULL REFERENCES admin_division (code),
  place_id            bigint REFERENCES place (id) ON DELETE CASCADE,
  unit_id             bigint REFERENCES unit (id) ON DELETE CASCADE,
  inspected_at        timestamptz NOT NULL,
  inspector_id        bigint REFERENCES app_user (id),
  inspector_name      text NOT NULL CHECK (length(inspector_name) BETWEEN 1 AND 50),
  result              text NOT NULL CHECK (result IN ('passed', 'rectify', 'failed')),
  findings            text CHECK (length(findings) <= 2000),
  rectification_due   date,
  rectified_at        timestamptz,
  rectification_note  text CHECK (length(rectification_note) <= 1000),
  created_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((place_id IS NULL) <> (unit_id IS NULL)),
  -- a rectification is due only when the inspection asked for one; done only if it was asked
  CHECK (result = 'passed' OR rectification_due IS NOT NULL),
  CHECK (rectified_at IS NULL OR rectification_due IS NOT NULL)
);
CREATE INDEX register_inspection_place_idx ON register_inspection (place_id, inspected_at DESC) WHERE place_id IS NOT NULL;
CREATE INDEX register_inspection_unit_idx ON register_inspection (unit_id, inspected_at DESC) WHERE unit_id IS NOT NULL;
CREATE INDEX register_inspection_community_idx ON register_inspection (community_code text_pattern_ops);
-- the overdue list: open rectifications by due date
CREATE INDEX register_inspection_open_idx ON register_inspection (rectification_due)
  WHERE rectification_due IS NOT NULL AND rectified_at IS NULL;
