-- People and houses (实有人口 and 实有房屋, issue 14 item 1). The tables the other registers
-- point at (special groups, vehicles and party members reference resident.id; the grid view
-- reads residents and houses): keep their table and column names stable.
--
-- A house is a room (or a whole building without rooms) of a standard address; a resident lives
-- in houses over time (resident_residence keeps that history, the resident row holds the house
-- lived in now); a household (户) groups the residents registered in one house.

CREATE TABLE house (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  -- the standard address (level 50 doorplate or building, level 60 unit/room) the house lies at
  address_id      bigint REFERENCES std_address (id),
  building        text CHECK (length(building) <= 50),
  unit            text CHECK (length(unit) <= 50),
  room            text CHECK (length(room) <= 50),
  full_address    text NOT NULL CHECK (length(full_address) BETWEEN 2 AND 300),
  use             text NOT NULL DEFAULT 'residential'
                  CHECK (use IN ('residential', 'commercial', 'mixed', 'office', 'industrial', 'other')),
  area            numeric(10, 2) CHECK (area > 0 AND area < 1000000),
  -- the owner (personal fields: masked by server/privacy/rule.ts)
  owner_name      text CHECK (length(owner_name) BETWEEN 1 AND 50),
  owner_phone     text CHECK (length(owner_phone) <= 20),
  rented          boolean NOT NULL DEFAULT false,
  status          text NOT NULL DEFAULT 'in_use' CHECK (status IN ('in_use', 'vacant', 'demolished')),
  demolished_at   timestamptz,
  geom            geometry(Point, 4490),
  verified_at     timestamptz,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'demolished') = (demolished_at IS NOT NULL)),
  -- the natural key of imports: one house per full address in a city
  UNIQUE (city_code, full_address)
);
CREATE INDEX house_community_idx ON house (community_code text_pattern_ops);
CREATE INDEX house_grid_idx ON house (grid_code, id);
CREATE INDEX house_geom_idx ON house USING gist (geom);
CREATE INDEX house_address_idx ON house (address_id);

CREATE TABLE household (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  -- 户号: unique within a city
  household_number varchar(20) NOT NULL CHECK (household_number ~ '^[0-9A-Za-z-]{1,20}$'),
  house_id        bigint REFERENCES house (id),
  kind            text NOT NULL DEFAULT 'family' CHECK (kind IN ('family', 'collective')),
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, household_number)
);
CREATE INDEX household_house_idx ON household (house_id);
CREATE INDEX household_community_idx ON household (community_code text_pattern_ops);

CREATE TABLE resident (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code       varchar(20),
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 50),
  -- both derived from the ID number (GB 11643: digits 7-14 the birth date, digit 17 odd = male)
  gender          char(1) NOT NULL CHECK (gender IN ('M', 'F')),
  birth_date      date NOT NULL,
  -- the ID number, never in clear (server/privacy/idNumber.ts sealIdNumber): AES-GCM ciphertext,
  -- HMAC blind index (exact lookups, the natural key of imports) and the masked form for lists
  id_number_sealed text NOT NULL,
  id_number_index text NOT NULL UNIQUE,
  id_number_masked text NOT NULL,
  phone           text CHECK (length(phone) <= 20),
  kind            text NOT NULL CHECK (kind IN ('registered', 'floating', 'overseas')),
  -- ISO 3166-1 alpha-3
  nationality     char(3) NOT NULL DEFAULT 'CHN' CHECK (nationality ~ '^[A-Z]{3}$'),
  house_id        bigint REFERENCES house (id),
  household_id    bigint REFERENCES household (id),
  -- a flag for follow-up (e.g. house_demolished: the house lived in was demolished)
  flag            text CHECK (flag IN ('house_demolished')),
  flagged_at      timestamptz,
  moved_out_at    timestamptz,
  geom            geometry(Point, 4490),
  verified_at     timestamptz,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((flag IS NULL) = (flagged_at IS NULL))
);
CREATE INDEX resident_community_idx ON resident (community_code text_pattern_ops);
CREATE INDEX resident_grid_idx ON resident (grid_code, id);
CREATE INDEX resident_geom_idx ON resident USING gist (geom);
CREATE INDEX resident_house_idx ON resident (house_id);
CREATE INDEX resident_household_idx ON resident (household_id);
CREATE INDEX resident_name_idx ON resident (name text_pattern_ops);
CREATE INDEX resident_flag_idx ON resident (flag) WHERE flag IS NOT NULL;

ALTER TABLE household ADD COLUMN head_resident_id bigint REFERENCES resident (id);
-- a resident's delete checks the households it heads: without this index, a scan per row
CREATE INDEX household_head_idx ON household (head_resident_id) WHERE head_resident_id IS NOT NULL;

-- Where a resident lives or is registered, over time: a move closes the current rows (valid_to)
-- and opens a new one in the same transaction, so the history is never overwritten.
CREATE TABLE resident_residence (
  id              bigserial PRIMARY KEY,
  resident_id     bigint NOT NULL REFERENCES resident (id) ON DELETE CASCADE,
  house_id        bigint NOT NULL REFERENCES house (id),
  role            text NOT NULL CHECK (role IN ('registered', 'living', 'tenant')),
  valid_from      timestamptz NOT NULL DEFAULT now(),
  valid_to        timestamptz,
  reason          text CHECK (length(reason) <= 200),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
-- one current registered house per resident (户籍登记 in one place at a time)
CREATE UNIQUE INDEX resident_residence_one_registered ON resident_residence (resident_id)
  WHERE role = 'registered' AND valid_to IS NULL;
-- one current link per resident and house
CREATE UNIQUE INDEX resident_residence_one_link ON resident_residence (resident_id, house_id)
  WHERE valid_to IS NULL;
CREATE INDEX resident_residence_house_idx ON resident_residence (house_id) WHERE valid_to IS NULL;
CREATE INDEX resident_residence_history_idx ON resident_residence (resident_id, valid_from);
