-- Access audit (访问日志, issue 13 item 3): who read or changed what, when, from where, with the
-- request id. One row per change request (every non-GET/HEAD under /api, OGC transactions, Open311
-- submissions), per sign-in and sign-out, per record whose personal fields were delivered in full
-- (privacy/rule.ts decides "full"), and per explicit unmask with its reason.
--
-- * Append-only: a trigger refuses UPDATE and DELETE on every partition (the pattern of 0026's
--   exemplary_case and 0031's privacy_unmask). No API writes or deletes rows; the application
--   only INSERTs (server/audit/). Retention is a DBA's act: detaching and dropping a month
--   partition older than the retention period (at least six months, 网络安全法 §21).
-- * Partitioned by month on `at`, China time, like event and position (0017): partitions a year
--   ahead by ensure_month_partitions (extended here to this table, called daily by the field
--   loop), and a default partition so an insert never fails for want of a month.
-- * resource_type is the API collection ('events', 'grids', 'auth' …) for request rows and for
--   record rows alike; resource_id the public id (an event's number) or the route's first key.
-- * privacy_unmask (0031) is taken over: its rows move here as action 'unmask', and a view of the
--   same name and columns keeps its readers (and its append-only refusal) working.
CREATE TABLE access_audit (
  id             bigserial,
  at             timestamptz NOT NULL DEFAULT now(),
  request_id     text NOT NULL DEFAULT '',
  user_id        bigint,
  username       text NOT NULL,
  role           text NOT NULL,
  principal_kind text NOT NULL CHECK (principal_kind IN ('user', 'api_key', 'anonymous')),
  client_address text,
  method         text NOT NULL,
  path           text NOT NULL,
  action         text NOT NULL CHECK (action IN ('read', 'create', 'update', 'delete', 'unmask', 'login', 'logout', 'refresh', 'export')),
  resource_type  text,
  resource_id    text,
  -- the record's internal id where one is known (events: event.id), for joins by operators
  record_id      bigint,
  community_code varchar(12),
  -- personal fields delivered in full (action read/unmask): which ones
  personal       boolean NOT NULL DEFAULT false,
  fields         text[] NOT NULL DEFAULT '{}',
  status         smallint,
  city_code      varchar(6),
  reason         text,
  CHECK (action <> 'unmask' OR length(btrim(reason)) BETWEEN 4 AND 500),
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE access_audit_default PARTITION OF access_audit DEFAULT;
-- newest first, the auditor's list and its keyset cursor
CREATE INDEX access_audit_at_idx ON access_audit (at DESC, id DESC);
CREATE INDEX access_audit_user_idx ON access_audit (username, at DESC);
CREATE INDEX access_audit_resource_idx ON access_audit (resource_type, resource_id, at DESC);
CREATE INDEX access_audit_request_idx ON access_audit (request_id) WHERE request_id <> '';

CREATE FUNCTION access_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_audit is append-only (% refused)', TG_OP;
END $$;
-- a row trigger on the partitioned table is cloned onto every partition, present and future
CREATE TRIGGER access_audit_no_change BEFORE UPDATE OR DELETE ON access_audit
  FOR EACH ROW EXECUTE FUNCTION access_audit_append_only();
CREATE TRIGGER access_audit_no_truncate BEFORE TRUNCATE ON access_audit
  FOR EACH STATEMENT EXECUTE FUNCTION access_audit_append_only();

-- 0017's function, now for access_audit too (same body otherwise).
CREATE OR REPLACE FUNCTION ensure_month_partitions(parent text, from_month date, months integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', from_month)::date;
  created integer := 0;
  name text;
BEGIN
  IF parent NOT IN ('event', 'position', 'access_audit') THEN
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
CREATE FUNCTION access_audit_ensure_partitions(from_month date, months integer) RETURNS integer
LANGUAGE sql AS $$ SELECT ensure_month_partitions('access_audit', from_month, months) $$;
SELECT access_audit_ensure_partitions((date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '2 months')::date, 15);

-- The unmasks recorded so far (0031), oldest months land in the default partition.
INSERT INTO access_audit (at, request_id, user_id, username, role, principal_kind, method, path, action,
  resource_type, resource_id, record_id, community_code, personal, fields, status, city_code, reason)
SELECT u.at, u.request_id, u.user_id, u.username, u.role, u.principal_kind, 'POST',
  '/api/v1/events/' || u.record_number || '/unmask', 'unmask', 'events', u.record_number, u.record_id,
  u.community_code, true, u.fields, 200, left(u.community_code, 6), u.reason
FROM privacy_unmask u ORDER BY u.id;
DROP TABLE privacy_unmask;
DROP FUNCTION privacy_unmask_append_only();
-- 0031's shape over the audit: UPDATE and DELETE through it reach access_audit's trigger
CREATE VIEW privacy_unmask AS
SELECT id, at, user_id, username, role, principal_kind, 'event'::text AS record_kind, record_id,
  resource_id AS record_number, community_code, fields, reason, request_id
FROM access_audit WHERE action = 'unmask' AND resource_type = 'events';

-- The auditor (审计员): reads the access audit, nothing else of the city.
ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('command_center', 'district_staff',
  'street_staff', 'community_staff', 'department', 'grid_inspector', 'gis_analyst', 'external_system', 'public', 'auditor'));

-- Tracing: the request that queued an outbox message (server/audit/trace.ts sets the
-- transaction-local gridgov.request_id; the enqueue trigger's INSERT takes it by default), sent
-- as X-Request-Id on every delivery attempt.
ALTER TABLE outbox ADD COLUMN request_id text DEFAULT nullif(current_setting('gridgov.request_id', true), '');
