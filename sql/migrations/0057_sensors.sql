-- Sensors (issue 19 item 2): the OGC SensorThings API 1.1 data model (/ogc/sta/v1.1), the
-- register of device kinds, the rules that turn readings into events, and their incidents.
--
-- Jurisdiction: a Thing's place decides who sees it. admin_code (the community holding its
-- location when it was registered) is copied onto the rows that hang off it, so every read is
-- filtered by a prefix (server/db/jurisdiction.ts) without a join chain; Sensors and
-- ObservedProperties describe kinds of instruments, hold no place and are shared by the city.
-- Observations are partitioned by month of phenomenonTime and scoped through their datastream.

-- The kinds of device the register knows, with the unit a reading of the kind is in.
CREATE TABLE sensor_kind (
  code   text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,40}$'),
  name   text NOT NULL,
  unit   text NOT NULL
);
INSERT INTO sensor_kind (code, name, unit) VALUES
  ('manhole_cover', '井盖', '倾角(°)'),
  ('water_level',   '水位', 'm'),
  ('smoke',         '烟感', '烟雾浓度(%obs/m)'),
  ('noise',         '噪声', 'dB(A)'),
  ('air',           '空气质量', 'PM2.5 μg/m³');

CREATE TABLE sta_thing (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  properties  jsonb,
  kind        text NOT NULL REFERENCES sensor_kind (code),
  admin_code  varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code   varchar(6) NOT NULL
);
CREATE INDEX sta_thing_admin_idx ON sta_thing (admin_code text_pattern_ops);

CREATE TABLE sta_location (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  encoding_type text NOT NULL DEFAULT 'application/geo+json',
  geom          geometry(Geometry, 4490) NOT NULL,
  properties    jsonb,
  admin_code    varchar(12) NOT NULL REFERENCES admin_division (code)
);
CREATE INDEX sta_location_geom_idx ON sta_location USING gist (geom);

CREATE TABLE sta_thing_location (
  thing_id    bigint NOT NULL REFERENCES sta_thing (id) ON DELETE CASCADE,
  location_id bigint NOT NULL REFERENCES sta_location (id) ON DELETE CASCADE,
  PRIMARY KEY (thing_id, location_id)
);
CREATE INDEX sta_thing_location_loc_idx ON sta_thing_location (location_id);

-- One row per (thing, location) a thing was placed at; the standard's many-to-many collapses to
-- one location per entry because a thing stands in one place at a time.
CREATE TABLE sta_historical_location (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  thing_id    bigint NOT NULL REFERENCES sta_thing (id) ON DELETE CASCADE,
  location_id bigint NOT NULL REFERENCES sta_location (id) ON DELETE CASCADE,
  time        timestamptz NOT NULL,
  admin_code  varchar(12) NOT NULL
);
CREATE INDEX sta_historical_location_thing_idx ON sta_historical_location (thing_id, time DESC);

CREATE TABLE sta_sensor (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  encoding_type text NOT NULL,
  metadata      text NOT NULL CHECK (length(metadata) <= 4000),
  properties    jsonb
);

CREATE TABLE sta_observed_property (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  definition  text NOT NULL CHECK (length(definition) <= 1000),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  properties  jsonb
);

CREATE TABLE sta_datastream (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description          text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  observation_type     text NOT NULL,
  unit_of_measurement  jsonb NOT NULL,
  properties           jsonb,
  thing_id             bigint NOT NULL REFERENCES sta_thing (id) ON DELETE CASCADE,
  sensor_id            bigint NOT NULL REFERENCES sta_sensor (id),
  observed_property_id bigint NOT NULL REFERENCES sta_observed_property (id),
  admin_code           varchar(12) NOT NULL,
  -- the latest reading: the rate-of-change rule compares against it, the silence rule watches it
  last_time            timestamptz,
  last_result          double precision
);
CREATE INDEX sta_datastream_thing_idx ON sta_datastream (thing_id);
CREATE INDEX sta_datastream_admin_idx ON sta_datastream (admin_code text_pattern_ops);

CREATE TABLE sta_feature_of_interest (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  encoding_type text NOT NULL DEFAULT 'application/geo+json',
  geom          geometry(Geometry, 4490) NOT NULL,
  properties    jsonb,
  admin_code    varchar(12) NOT NULL,
  -- the location a feature was generated from (the standard: FoI defaults to the Thing's location)
  location_id   bigint UNIQUE REFERENCES sta_location (id) ON DELETE SET NULL
);

-- Readings: numeric results in result_number (what rules and $filter compare), anything else
-- (a string, an object) in result_json. No foreign keys on a partitioned hot table: the writer
-- checks the datastream and the feature before inserting.
CREATE TABLE sta_observation (
  id                     bigint GENERATED ALWAYS AS IDENTITY,
  datastream_id          bigint NOT NULL,
  feature_of_interest_id bigint NOT NULL,
  phenomenon_time        timestamptz NOT NULL,
  result_time            timestamptz,
  result_number          double precision,
  result_json            jsonb,
  parameters             jsonb,
  PRIMARY KEY (id, phenomenon_time)
) PARTITION BY RANGE (phenomenon_time);
CREATE INDEX sta_observation_stream_idx ON sta_observation (datastream_id, phenomenon_time DESC);
CREATE INDEX sta_observation_id_idx ON sta_observation (id);

-- Months (Asia/Shanghai) from from_month; called ahead by the field loop and on demand by the
-- writer for a month it has not seen (a late batch of old readings).
CREATE FUNCTION sta_observation_ensure_partitions(from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  created integer := 0;
  name text;
BEGIN
  FOR i IN 1..months LOOP
    name := 'sta_observation_' || to_char(m, 'YYYYMM');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF sta_observation FOR VALUES FROM (%L) TO (%L)', name,
        (m::timestamp AT TIME ZONE 'Asia/Shanghai'), ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
      created := created + 1;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
SELECT sta_observation_ensure_partitions((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 month')::date, 4);

-- A rule of a city for the datastreams of one device kind: threshold (a reading above `high` or
-- below `low`), rate (a change faster than `per_minute` between consecutive readings) or
-- silence (no reading for `silence_minutes`). An incident closes after readings stay normal for
-- `normal_minutes`.
CREATE TABLE sensor_rule (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  city_code       varchar(6) NOT NULL,
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind            text NOT NULL REFERENCES sensor_kind (code),
  rule            text NOT NULL CHECK (rule IN ('threshold', 'rate', 'silence')),
  high            double precision,
  low             double precision,
  per_minute      double precision CHECK (per_minute > 0),
  silence_minutes integer CHECK (silence_minutes BETWEEN 1 AND 10080),
  normal_minutes  integer NOT NULL DEFAULT 10 CHECK (normal_minutes BETWEEN 0 AND 10080),
  class_code      varchar(4) NOT NULL,
  priority        integer NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 4),
  active          boolean NOT NULL DEFAULT true,
  created_by      bigint REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((rule = 'threshold' AND (high IS NOT NULL OR low IS NOT NULL)) OR (rule = 'rate' AND per_minute IS NOT NULL)
    OR (rule = 'silence' AND silence_minutes IS NOT NULL))
);
CREATE INDEX sensor_rule_kind_idx ON sensor_rule (city_code, kind) WHERE active;

-- One incident per rule and datastream at a time: the unique index is what makes a storm of
-- crossings one event, across instances too.
CREATE TABLE sensor_incident (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id          bigint NOT NULL REFERENCES sensor_rule (id),
  datastream_id    bigint NOT NULL REFERENCES sta_datastream (id) ON DELETE CASCADE,
  admin_code       varchar(12) NOT NULL,
  opened_at        timestamptz NOT NULL,
  last_abnormal_at timestamptz NOT NULL,
  normal_since     timestamptz,
  closed_at        timestamptz,
  crossings        integer NOT NULL DEFAULT 1,
  -- the evidence: the crossing readings [{id, time, result}] (the first 50)
  readings         jsonb NOT NULL DEFAULT '[]',
  event_number     text
);
CREATE UNIQUE INDEX sensor_incident_open_idx ON sensor_incident (rule_id, datastream_id) WHERE closed_at IS NULL;
CREATE INDEX sensor_incident_admin_idx ON sensor_incident (admin_code text_pattern_ops, opened_at DESC);
