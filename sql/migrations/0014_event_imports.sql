-- Bulk imports of historic events (server/event-imports) and the demo history generator
-- (fixtures/history.ts): what was imported from which file, the dedup keys that make a
-- re-import a no-op, and month partitions for history older than the ones 0006 created.

-- One row per import run that wrote (dry runs write nothing, not even this row).
CREATE TABLE event_import (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL CHECK (source IN ('file', 'demo')),
  file_name     text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 300),
  file_sha256   char(64) NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  format        text NOT NULL CHECK (format IN ('csv', 'geojson', 'generated')),
  rows_total    integer NOT NULL CHECK (rows_total >= 0),
  rows_written  integer NOT NULL CHECK (rows_written >= 0),
  rows_skipped  integer NOT NULL CHECK (rows_skipped >= 0),
  imported_by   bigint REFERENCES app_user (id),
  actor_name    text NOT NULL,
  imported_at   timestamptz NOT NULL DEFAULT now()
);

-- Dedup: per city, a key from the source reference ('ref:<ref>') or, without one, a hash of
-- the row's content ('sha256:<hex>'). A row whose key exists is skipped, so importing the same
-- file twice writes nothing the second time. (city_code, key) and not a unique index on
-- event.external_ref: event is partitioned by created_at and can only be unique per partition.
CREATE TABLE event_import_key (
  city_code         varchar(6) NOT NULL,
  key               text NOT NULL CHECK (length(key) BETWEEN 5 AND 300),
  event_id          bigint NOT NULL,
  event_created_at  timestamptz NOT NULL,
  import_id         bigint NOT NULL REFERENCES event_import (id),
  line              integer NOT NULL,
  PRIMARY KEY (city_code, key)
);

-- Makes sure every Shanghai month touching [from_at, to_at] has its own partition, so history
-- lands in real month partitions and not in event_default. A month that still has rows in
-- event_default (inserted before its partition existed) cannot get a partition while they are
-- there — PostgreSQL refuses the CREATE — so they are moved out, the partition is created, and
-- they are moved back in (now into the new partition), all inside the caller's transaction.
CREATE FUNCTION event_import_ensure_partitions(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_at AT TIME ZONE 'Asia/Shanghai')::date;
  last_month date := date_trunc('month', to_at AT TIME ZONE 'Asia/Shanghai')::date;
  lo timestamptz;
  hi timestamptz;
  created integer := 0;
  stray integer;
BEGIN
  IF from_at IS NULL OR to_at IS NULL THEN RETURN 0; END IF;
  IF last_month - m > 3660 THEN
    RAISE EXCEPTION 'refusing to create partitions for more than ten years (% .. %)', from_at, to_at;
  END IF;
  WHILE m <= last_month LOOP
    IF to_regclass('event_' || to_char(m, 'YYYYMM')) IS NULL THEN
      lo := m::timestamp AT TIME ZONE 'Asia/Shanghai';
      hi := (m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai';
      -- dynamic SQL: the temp table is dropped at commit, a cached plan would name a stale one
      EXECUTE 'CREATE TEMP TABLE IF NOT EXISTS event_import_stray (LIKE event) ON COMMIT DROP';
      EXECUTE 'WITH moved AS (DELETE FROM event_default WHERE created_at >= $1 AND created_at < $2 RETURNING *)
               INSERT INTO event_import_stray SELECT * FROM moved' USING lo, hi;
      GET DIAGNOSTICS stray = ROW_COUNT;
      -- the same function 0006 uses, so names and bounds cannot drift apart
      created := created + event_ensure_partitions(m, 1);
      IF stray > 0 THEN
        EXECUTE 'INSERT INTO event SELECT * FROM event_import_stray';
        EXECUTE 'TRUNCATE event_import_stray';
      END IF;
    END IF;
    m := (m + interval '1 month')::date;
  END LOOP;
  RETURN created;
END $$;
