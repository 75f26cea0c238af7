-- Registers of issue 14, piece 4: 实有车辆 (vehicles) and 护路护线 (lines: roads, rails, pipelines,
-- power and telecom lines) with the components (部件) on them and their inspection, repair and
-- replacement records.
--
-- Decisions
-- * A vehicle has no place of its own (it moves): no geometry and no map layer. It is listed by
--   the community and base grid of its owner's registration: a resident owner's (copied on write
--   and kept by a trigger when the resident moves), otherwise the community (and optionally the
--   grid) given when it was registered.
-- * The owner is either a resident (resident_id) or a name and phone; the owner's ID number is
--   stored sealed (AES-256-GCM), with a blind index for exact lookups and its masked form, never
--   in clear. A resident owner's name, phone and ID number are the resident's (not copied).
-- * A line is a MultiLineString in EPSG 4490. Its length (metres) is ST_Length on the geography
--   (spheroid). Its community_code (jurisdiction) is the community holding the largest part of
--   its length, its grid_code the base grid holding the largest part (null outside every grid).
--   line_community and line_grid list every community and base grid it crosses with the length
--   inside each.
-- * line_component: the components within the line's tolerance (default 5 m, on the geography),
--   recomputed by line_refresh() on every write of a line's geometry or tolerance, and by
--   statement triggers when components are added or moved.

CREATE TABLE vehicle (
  id               bigserial PRIMARY KEY,
  city_code        varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  community_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code        varchar(20),
  -- normalised (upper case, no separators), validated per GA 36 by server/vehicles/plate.ts
  plate            varchar(8) NOT NULL UNIQUE CHECK (length(plate) IN (7, 8)),
  plate_type       text NOT NULL CHECK (plate_type IN ('ordinary', 'trailer', 'coach', 'police', 'hk_macau', 'new_energy_small', 'new_energy_large')),
  kind             text NOT NULL CHECK (kind IN ('car', 'bus', 'truck', 'special', 'motorcycle', 'trailer', 'other')),
  use              text NOT NULL CHECK (use IN ('private', 'commercial', 'taxi', 'ride_hailing', 'freight', 'hazardous', 'school_bus', 'official', 'rental', 'other')),
  brand            text CHECK (length(brand) BETWEEN 1 AND 50),
  colour           text CHECK (length(colour) BETWEEN 1 AND 20),
  owner_relation   text NOT NULL DEFAULT 'owner' CHECK (owner_relation IN ('owner', 'driver')),
  resident_id      bigint REFERENCES resident (id) ON DELETE RESTRICT,
  owner_name       text CHECK (length(owner_name) BETWEEN 1 AND 100),
  owner_phone      text CHECK (length(owner_phone) BETWEEN 5 AND 20),
  -- the owner's ID number sealed (privacy/idNumber.ts sealIdNumber, context vehicle.owner_id_number),
  -- its blind index and its masked form; a resident owner's is the resident's
  owner_id_number_sealed  text,
  owner_id_number_index   text,
  owner_id_number_masked  text,
  note             text CHECK (length(note) <= 500),
  verified_at      timestamptz,
  version          integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (resident_id IS NOT NULL OR owner_name IS NOT NULL),
  CHECK (resident_id IS NULL OR (owner_name IS NULL AND owner_phone IS NULL AND owner_id_number_sealed IS NULL)),
  CHECK ((owner_id_number_sealed IS NULL) = (owner_id_number_index IS NULL) AND (owner_id_number_sealed IS NULL) = (owner_id_number_masked IS NULL))
);
CREATE INDEX vehicle_community_idx ON vehicle (community_code text_pattern_ops);
CREATE INDEX vehicle_grid_idx ON vehicle (grid_code);
CREATE INDEX vehicle_resident_idx ON vehicle (resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX vehicle_owner_id_idx ON vehicle (owner_id_number_index) WHERE owner_id_number_index IS NOT NULL;
CREATE INDEX vehicle_list_idx ON vehicle (created_at DESC, id DESC);

-- A resident owner who moves takes the vehicle along (its community and grid follow the owner's).
CREATE FUNCTION vehicle_follow_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE vehicle v SET community_code = NEW.community_code, grid_code = NEW.grid_code, updated_at = now()
  WHERE v.resident_id = NEW.id AND (v.community_code, v.grid_code) IS DISTINCT FROM (NEW.community_code, NEW.grid_code);
  RETURN NULL;
END $$;
CREATE TRIGGER vehicle_follow_owner AFTER UPDATE OF community_code, grid_code ON resident FOR EACH ROW
  WHEN ((OLD.community_code, OLD.grid_code) IS DISTINCT FROM (NEW.community_code, NEW.grid_code))
  EXECUTE FUNCTION vehicle_follow_owner();

CREATE TABLE line (
  id                   bigserial PRIMARY KEY,
  city_code            varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  community_code       varchar(12) NOT NULL REFERENCES admin_division (code),
  grid_code            varchar(20),
  -- 线路编号: the natural key of imports, unique in the city
  code                 text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind                 text NOT NULL CHECK (kind IN ('road', 'rail', 'pipeline', 'power', 'telecom', 'gas', 'water', 'heating', 'drainage', 'oil', 'other')),
  -- 护线等级: key lines get more frequent patrols
  guard_level          text NOT NULL DEFAULT 'general' CHECK (guard_level IN ('key', 'general')),
  -- 权属单位 (a unit or department, by name) and its contact person (personal)
  owner_unit           text CHECK (length(owner_unit) BETWEEN 1 AND 100),
  contact_name         text CHECK (length(contact_name) BETWEEN 1 AND 100),
  contact_phone        text CHECK (length(contact_phone) BETWEEN 5 AND 20),
  tolerance_m          real NOT NULL DEFAULT 5 CHECK (tolerance_m > 0 AND tolerance_m <= 50),
  length_m             double precision NOT NULL CHECK (length_m > 0),
  geom                 geometry(MultiLineString, 4490) NOT NULL,
  note                 text CHECK (length(note) <= 500),
  verified_at          timestamptz,
  version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_code, code)
);
CREATE INDEX line_community_idx ON line (community_code text_pattern_ops);
CREATE INDEX line_grid_idx ON line (grid_code);
CREATE INDEX line_geom_idx ON line USING gist (geom);
CREATE INDEX line_list_idx ON line (created_at DESC, id DESC);

CREATE TABLE line_community (
  line_id         bigint NOT NULL REFERENCES line (id) ON DELETE CASCADE,
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  length_m        double precision NOT NULL,
  PRIMARY KEY (line_id, community_code)
);
CREATE INDEX line_community_code_idx ON line_community (community_code);

CREATE TABLE line_grid (
  line_id    bigint NOT NULL REFERENCES line (id) ON DELETE CASCADE,
  grid_code  varchar(20) NOT NULL,
  length_m   double precision NOT NULL,
  PRIMARY KEY (line_id, grid_code)
);
CREATE INDEX line_grid_code_idx ON line_grid (grid_code);

CREATE TABLE line_component (
  line_id       bigint NOT NULL REFERENCES line (id) ON DELETE CASCADE,
  component_id  varchar(16) NOT NULL REFERENCES component (id) ON DELETE CASCADE,
  -- the component's distance to the line on the spheroid, metres
  distance_m    double precision NOT NULL,
  PRIMARY KEY (line_id, component_id)
);
CREATE INDEX line_component_component_idx ON line_component (component_id);

-- Inspection (巡检), repair (维修) and replacement (更换) of a line, optionally of one of its
-- components; a record of a component may leave it in a new state (state_after), kept in
-- component.state, with the state it had before.
CREATE TABLE line_record (
  id            bigserial PRIMARY KEY,
  line_id       bigint NOT NULL REFERENCES line (id) ON DELETE CASCADE,
  component_id  varchar(16) REFERENCES component (id) ON DELETE SET NULL,
  kind          text NOT NULL CHECK (kind IN ('inspection', 'repair', 'replacement')),
  result        text NOT NULL CHECK (result IN ('normal', 'defect', 'fixed', 'pending', 'replaced')),
  done_at       timestamptz NOT NULL,
  performed_by  text CHECK (length(performed_by) BETWEEN 1 AND 100),
  findings      text CHECK (length(findings) <= 2000),
  state_before  text,
  state_after   text CHECK (state_after IN ('完好', '破损', '丢失', '占用', '废弃')),
  recorded_by   bigint REFERENCES app_user (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (state_after IS NULL OR component_id IS NOT NULL)
);
CREATE INDEX line_record_line_idx ON line_record (line_id, done_at DESC, id DESC);
CREATE INDEX line_record_component_idx ON line_record (component_id) WHERE component_id IS NOT NULL;

-- The components within tolerance of the given lines and/or of the given components, replaced.
-- The bounding-box tests (a tolerance / 55,000 degrees: twice a metre's degrees up to latitude 60)
-- use the GiST indexes; the exact test is on the geography (spheroid). Components arrive as a set
-- (an import of 100,000 is one join with the lines near them, not an array scan per candidate).
CREATE FUNCTION line_link_components(p_lines bigint[], p_components text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_lines IS NOT NULL THEN
    DELETE FROM line_component WHERE line_id = ANY(p_lines);
    INSERT INTO line_component (line_id, component_id, distance_m)
    SELECT l.id, c.id, ST_Distance(c.geom::geography, l.geom::geography)
    FROM line l
    JOIN component c ON c.geom && ST_Expand(l.geom, l.tolerance_m / 55000.0)
     AND ST_DWithin(c.geom::geography, l.geom::geography, l.tolerance_m)
    WHERE l.id = ANY(p_lines)
    ON CONFLICT DO NOTHING;
  END IF;
  IF p_components IS NOT NULL THEN
    DELETE FROM line_component lc USING unnest(p_components) AS u(id) WHERE lc.component_id = u.id;
    INSERT INTO line_component (line_id, component_id, distance_m)
    SELECT l.id, c.id, ST_Distance(c.geom::geography, l.geom::geography)
    FROM unnest(p_components) AS u(id)
    JOIN component c ON c.id = u.id
    -- 50 m: the largest tolerance a line may have
    JOIN line l ON l.geom && ST_Expand(c.geom, 50 / 55000.0)
     AND ST_DWithin(c.geom::geography, l.geom::geography, l.tolerance_m)
    ON CONFLICT DO NOTHING;
  END IF;
END $$;

-- Everything derived from the geometry of the given lines: the communities and base grids crossed
-- (length inside each) and the components on them.
CREATE FUNCTION line_refresh(p_lines bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM line_community WHERE line_id = ANY(p_lines);
  INSERT INTO line_community (line_id, community_code, length_m)
  SELECT l.id, a.code, ST_Length(ST_Intersection(a.geom, l.geom)::geography)
  FROM line l
  JOIN admin_division a ON a.level = 'community' AND a.city_code = l.city_code AND ST_Intersects(a.geom, l.geom)
  WHERE l.id = ANY(p_lines);
  DELETE FROM line_grid WHERE line_id = ANY(p_lines);
  INSERT INTO line_grid (line_id, grid_code, length_m)
  SELECT l.id, g.code, ST_Length(ST_Intersection(g.geom, l.geom)::geography)
  FROM line l
  JOIN grid g ON g.kind = 'base' AND g.valid_to IS NULL AND g.city_code = l.city_code AND ST_Intersects(g.geom, l.geom)
  WHERE l.id = ANY(p_lines);
  PERFORM line_link_components(p_lines, NULL);
END $$;

-- Components added or moved: relink them (an update that moves none costs one join of ids).
CREATE FUNCTION line_component_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM line) THEN
    PERFORM line_link_components(NULL, (SELECT array_agg(n.id) FROM new_rows n));
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION line_component_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved text[];
BEGIN
  IF EXISTS (SELECT 1 FROM line) THEN
    SELECT array_agg(n.id) INTO moved FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE NOT ST_Equals(o.geom, n.geom);
    IF moved IS NOT NULL THEN PERFORM line_link_components(NULL, moved); END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER component_lines_ins AFTER INSERT ON component REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION line_component_after_insert();
CREATE TRIGGER component_lines_upd AFTER UPDATE ON component REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION line_component_after_update();

-- Map layer changes (tiles/changes.ts drops cached tiles of the layer)
CREATE TRIGGER line_changes_ins AFTER INSERT ON line REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER line_changes_upd AFTER UPDATE ON line REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER line_changes_del AFTER DELETE ON line REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
