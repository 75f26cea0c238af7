-- Field force (issue 10): devices bound to members, positions, the live position, electronic
-- fences with their per-device state and alerts, and the road centre lines.
--
-- Layout decisions
-- * position is partitioned by month on the fix time (fixed_at), like event. Its primary key
--   (city_code, device_id, fixed_at) is the deduplication key (one fix per device and instant,
--   so a retried batch stores nothing twice) and the replay index (one member-day is one range
--   of it, covering what a track reads). No id: nothing refers to a single fix but by (device,
--   instant).
-- * A filtered fix (invalid, zero island, future, inaccurate, a jump) is kept with its reason in
--   filter and never moves the live position nor enters fences; a late fix (older than the live
--   one) is kept with late = true and enters history only.
-- * device_live is one row per device: the last in-order valid fix. It is also the lock that
--   serialises one device's batches across API instances (see server/positions/ingest.ts).
-- * Fence state is a row per (device, fence) in the database, never in an instance's memory,
--   so two instances behind a load balancer agree and no alert is doubled or lost.
-- * Every large table carries city_code so it can be distributed by city (Citus).

-- Devices: inspector phones, patrol cars, drones, body cameras.
CREATE TABLE device (
  id              bigserial PRIMARY KEY,
  -- what the device reports as its id (OsmAnd/Traccar Client `id`, our app's deviceId)
  identifier      text NOT NULL UNIQUE CHECK (identifier ~ '^[A-Za-z0-9_.:-]{3,64}$'),
  city_code       varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{4}00$'),
  kind            text NOT NULL CHECK (kind IN ('phone', 'patrol_car', 'drone', 'body_camera')),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- the area the device serves: its jurisdiction while no member carries it
  admin_code      varchar(12) NOT NULL REFERENCES admin_division (code),
  -- who carries it now (history in device_binding)
  member_id       bigint REFERENCES grid_member (id),
  -- per-device token "<prefix>.<secret>"; only the SHA-256 of the secret is kept
  token_prefix    text UNIQUE CHECK (token_prefix ~ '^[a-z0-9]{8,16}$'),
  token_hash      text,
  -- the OsmAnd path identifies a device by its id alone (as Traccar does) unless this is set
  osmand_requires_token boolean NOT NULL DEFAULT false,
  disabled        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_member_idx ON device (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX device_admin_idx ON device (admin_code text_pattern_ops);

-- Who carried a device when (a device may change hands).
CREATE TABLE device_binding (
  id          bigserial PRIMARY KEY,
  device_id   bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  member_id   bigint NOT NULL REFERENCES grid_member (id),
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  bound_by    bigint REFERENCES app_user (id),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE UNIQUE INDEX device_binding_current_idx ON device_binding (device_id) WHERE valid_to IS NULL;
CREATE INDEX device_binding_member_idx ON device_binding (member_id, valid_from);

-- Positions (history). speed in m/s (OsmAnd sends knots: converted at the edge), bearing in
-- degrees, altitude and accuracy in metres, battery in percent.
CREATE TABLE position (
  city_code    varchar(6) NOT NULL,
  device_id    bigint NOT NULL,
  -- the member carrying the device at the fix (device_binding at fixed_at)
  member_id    bigint,
  fixed_at     timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  geom         geometry(Point, 4490) NOT NULL,
  -- what the device sent when it was not lon/lat in EPSG:4490/4326 (GCJ-02 from phone map
  -- SDKs, Gauss-Krüger …): the CRS and the coordinates as given; NULL otherwise
  src_crs      text,
  src_x        double precision,
  src_y        double precision,
  speed        real CHECK (speed >= 0),
  bearing      real CHECK (bearing >= 0 AND bearing < 360),
  altitude     real,
  accuracy     real CHECK (accuracy >= 0),
  battery      real CHECK (battery >= 0 AND battery <= 100),
  hdop         real CHECK (hdop >= 0),
  filter       text CHECK (filter IN ('invalid', 'zero_island', 'future', 'accuracy', 'jump')),
  late         boolean NOT NULL DEFAULT false,
  -- INCLUDE: a member-day's track (sql/queries/positions/member_fixes.sql) is read from the key
  -- alone; devices' fixes interleave as they arrive, so reading the heap cost a page per fix
  -- (replay 35x faster than a scan of a third-full month partition without it, 54x with it;
  -- the price is a key index about 45 % larger to write at ingest)
  PRIMARY KEY (city_code, device_id, fixed_at) INCLUDE (member_id, filter, speed, altitude, accuracy, geom)
) PARTITION BY RANGE (fixed_at);
CREATE TABLE position_default PARTITION OF position DEFAULT;

-- Monthly partitions of a table partitioned by month (China time), covering
-- [from_month, from_month + months), named <table>_YYYYMM; idempotent. One function for every
-- such table: events (0006's event_ensure_partitions now calls it) and positions.
CREATE FUNCTION ensure_month_partitions(parent text, from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  created integer := 0;
  name text;
BEGIN
  IF parent NOT IN ('event', 'position') THEN
    RAISE EXCEPTION 'no month partitions for table %', parent;
  END IF;
  FOR i IN 1..months LOOP
    name := parent || '_' || to_char(m, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, parent,
        (m::timestamp AT TIME ZONE 'Asia/Shanghai'), ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
CREATE OR REPLACE FUNCTION event_ensure_partitions(from_month date, months integer) RETURNS integer
LANGUAGE sql AS $$ SELECT ensure_month_partitions('event', from_month, months) $$;
CREATE FUNCTION position_ensure_partitions(from_month date, months integer) RETURNS integer
LANGUAGE sql AS $$ SELECT ensure_month_partitions('position', from_month, months) $$;
SELECT position_ensure_partitions((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '2 months')::date, 15);

-- The live position: the last in-order valid fix of each device.
CREATE TABLE device_live (
  device_id       bigint PRIMARY KEY REFERENCES device (id) ON DELETE CASCADE,
  city_code       varchar(6) NOT NULL,
  member_id       bigint REFERENCES grid_member (id),
  -- jurisdiction: the member's community, or the device's area when nobody carries it
  community_code  varchar(12) NOT NULL,
  fixed_at        timestamptz NOT NULL,
  received_at     timestamptz NOT NULL,
  geom            geometry(Point, 4490) NOT NULL,
  speed           real,
  bearing         real,
  accuracy        real,
  battery         real,
  -- the current base grid at the fix (NULL outside every grid)
  grid_code       varchar(20),
  -- idle detection: where the device last moved more than 30 m, and since when it has not
  still_geom      geometry(Point, 4490) NOT NULL,
  still_since     timestamptz NOT NULL
);
CREATE INDEX device_live_geom_idx ON device_live USING gist (geom);
CREATE INDEX device_live_community_idx ON device_live (community_code text_pattern_ops);

-- online: a fix within 5 minutes; idle: online but within 30 m for 10 minutes; else offline.
CREATE FUNCTION device_status(fixed_at timestamptz, still_since timestamptz, now timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN now - fixed_at > interval '5 minutes' THEN 'offline'
              WHEN now - still_since > interval '10 minutes' THEN 'idle'
              ELSE 'online' END
$$;

-- The inspectors layer (tiles, WMS, WFS): the last known position of each device.
CREATE VIEW inspector_live AS
SELECT d.identifier, d.kind, d.name AS device_name, l.member_id, m.name AS member_name,
       l.community_code, l.grid_code, l.fixed_at, l.speed, l.accuracy, l.battery, l.city_code, l.geom,
       device_status(l.fixed_at, l.still_since, now()) AS status
FROM device_live l
JOIN device d ON d.id = l.device_id
LEFT JOIN grid_member m ON m.id = l.member_id
WHERE NOT d.disabled;

-- Electronic fences. geom is the area tested: a polygon as drawn, a circle or a corridor
-- buffered in metres, or the union of the current boundaries of grid_codes (refreshed when a
-- grid changes, see fence_refresh_grid_geom).
CREATE TABLE fence (
  id           bigserial PRIMARY KEY,
  city_code    varchar(6) NOT NULL,
  -- owner area: who sees and edits the fence (jurisdiction), and by default whom it watches
  admin_code   varchar(12) NOT NULL REFERENCES admin_division (code),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind         text NOT NULL CHECK (kind IN ('polygon', 'circle', 'corridor', 'grid')),
  -- the shape as given: {coordinates} | {center, radius} | {line, width} | {gridCodes}
  source       jsonb NOT NULL,
  grid_codes   varchar(20)[] NOT NULL DEFAULT '{}',
  geom         geometry(MultiPolygon, 4490) NOT NULL,
  -- {enter: bool, exit: bool, dwellMinutes: n | null, absentMinutes: n | null}
  rules        jsonb NOT NULL,
  -- NULL: always; {"calendar": "duty"}: the working calendar's work hours; or
  -- {"days": [1..7], "from": "HH:MM", "to": "HH:MM"} (ISO weekdays, Asia/Shanghai)
  schedule     jsonb,
  -- members watched; empty: every device whose area lies in admin_code
  member_ids   bigint[] NOT NULL DEFAULT '{}',
  active       boolean NOT NULL DEFAULT true,
  version      integer NOT NULL DEFAULT 1,
  created_by   bigint REFERENCES app_user (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'grid' OR cardinality(grid_codes) >= 1)
);
CREATE INDEX fence_city_idx ON fence (city_code) WHERE active;
CREATE INDEX fence_geom_idx ON fence USING gist (geom);

-- Bumped by every change of a city's fences: ingest reloads its fence index when it moves.
CREATE TABLE fence_revision (
  city_code  varchar(6) PRIMARY KEY,
  revision   bigint NOT NULL DEFAULT 0
);
CREATE FUNCTION fence_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO fence_revision AS r (city_code, revision)
  SELECT DISTINCT c, 1 FROM (SELECT city_code AS c FROM changed_rows) x
  ON CONFLICT (city_code) DO UPDATE SET revision = r.revision + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER fence_revision_ins AFTER INSERT ON fence REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fence_bump_revision();
CREATE TRIGGER fence_revision_upd AFTER UPDATE ON fence REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fence_bump_revision();
CREATE TRIGGER fence_revision_del AFTER DELETE ON fence REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fence_bump_revision();

-- A grid fence follows its grids: a boundary change (new current version) re-unions its area.
CREATE FUNCTION fence_refresh_grid_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fence f SET geom = u.geom, updated_at = now()
  FROM (
    SELECT f2.id, ST_Multi(ST_Union(g.geom)) AS geom
    FROM fence f2 JOIN grid g ON g.code = ANY (f2.grid_codes) AND g.valid_to IS NULL
    WHERE f2.kind = 'grid' AND f2.grid_codes && (SELECT array_agg(DISTINCT code) FROM new_rows)
    GROUP BY f2.id
  ) u
  WHERE f.id = u.id AND NOT ST_Equals(f.geom, u.geom);
  RETURN NULL;
END $$;
CREATE TRIGGER grid_fence_refresh_ins AFTER INSERT ON grid REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION fence_refresh_grid_geom();

-- Per device and fence: inside or not, since when, and whether the dwell / absence of this
-- stay has already been alerted.
CREATE TABLE fence_state (
  device_id      bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  fence_id       bigint NOT NULL REFERENCES fence (id) ON DELETE CASCADE,
  inside         boolean NOT NULL,
  since          timestamptz NOT NULL,
  -- the fix that last decided the state (a fix at or before it is never evaluated again)
  last_fix_at    timestamptz NOT NULL,
  dwell_alerted  boolean NOT NULL DEFAULT false,
  absent_alerted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (device_id, fence_id)
);
CREATE INDEX fence_state_fence_idx ON fence_state (fence_id);

CREATE TABLE fence_alert (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  fence_id        bigint NOT NULL REFERENCES fence (id) ON DELETE CASCADE,
  device_id       bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  member_id       bigint REFERENCES grid_member (id),
  -- jurisdiction: the member's community (or the device's area)
  community_code  varchar(12) NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('enter', 'exit', 'dwell', 'absent')),
  -- when it happened: a crossing interpolated on the segment between two fixes
  at              timestamptz NOT NULL,
  geom            geometry(Point, 4490) NOT NULL,
  -- the fixes around the crossing, the band used, distances
  detail          jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by bigint REFERENCES app_user (id),
  UNIQUE (fence_id, device_id, kind, at)
);
CREATE INDEX fence_alert_community_idx ON fence_alert (community_code text_pattern_ops, at);
CREATE INDEX fence_alert_device_idx ON fence_alert (device_id, at);
CREATE INDEX fence_alert_open_idx ON fence_alert (city_code, at) WHERE acknowledged_at IS NULL;

-- Road centre lines, cut at community boundaries so each piece belongs to one community
-- (jurisdiction, patrol coverage per grid). The demo generator's roads are loaded here.
CREATE TABLE road (
  id              bigserial PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  name            text NOT NULL,
  kind            text NOT NULL DEFAULT 'street' CHECK (kind IN ('trunk', 'main', 'street', 'lane', 'path')),
  community_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  geom            geometry(MultiLineString, 4490) NOT NULL
);
CREATE INDEX road_geom_idx ON road USING gist (geom);
CREATE INDEX road_community_idx ON road (community_code text_pattern_ops);
CREATE TRIGGER road_changes_ins AFTER INSERT ON road REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER road_changes_upd AFTER UPDATE ON road REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER road_changes_del AFTER DELETE ON road REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER fence_changes_ins AFTER INSERT ON fence REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER fence_changes_upd AFTER UPDATE ON fence REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
CREATE TRIGGER fence_changes_del AFTER DELETE ON fence REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gridgov_notify_change();
