-- Indicator aggregates (指标汇总), kept current by triggers, so the indicators of a whole day,
-- ISO week, month or year are a sum over a few thousand rows instead of a pass over the events.
--
-- Every indicator count is "as of the window end" (server/analytics/indicators.ts): an event
-- created in the period counts as closed when it was closed before the period ended, and so on.
-- For a calendar period that end is fixed, so each event contributes, per period kind, one row
-- of 0/1 counts that depends only on the event itself. The roll-ups hold their sums per period,
-- community and one breakdown (class, channel, demand type, status or department), the questions
-- asked most: a month of a city is ~80 rows for the totals and ~3,000 per small class, against
-- ~40,000 events. (Every combination of the breakdowns would be about one row per two events: no
-- faster than the events for a filtered question, which therefore reads the events.)
--
-- A change of an event (intake, transition, deletion) or a milestone in its history moves its
-- contribution: the triggers append the old one negated and the new one to indicator_delta in the
-- same transaction; indicator_compact() folds the deltas into the roll-ups, and readers add the
-- deltas not yet folded, so an answer is exact the moment a change commits.

-- The first time each milestone action happened, kept on the event by the history trigger below
-- (history is append-only): the indicators need "did it happen before the window end", and the
-- aggregates need it without reading the history.
ALTER TABLE event ADD COLUMN first_rework_at timestamptz, ADD COLUMN first_extension_at timestamptz,
  ADD COLUMN first_return_at timestamptz, ADD COLUMN first_escalate_at timestamptz;

CREATE FUNCTION event_milestones_from_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE event e SET
    first_rework_at = LEAST(e.first_rework_at, m.rework),
    first_extension_at = LEAST(e.first_extension_at, m.extension),
    first_return_at = LEAST(e.first_return_at, m.returned),
    first_escalate_at = LEAST(e.first_escalate_at, m.escalate)
  FROM (
    SELECT event_id,
      min(at) FILTER (WHERE action = 'rework') AS rework,
      min(at) FILTER (WHERE action = 'approve_extension') AS extension,
      min(at) FILTER (WHERE action = 'return') AS returned,
      min(at) FILTER (WHERE action = 'escalate') AS escalate
    FROM new_rows WHERE action IN ('rework', 'approve_extension', 'return', 'escalate')
    GROUP BY event_id
  ) m
  WHERE e.id = m.event_id
    AND (m.rework < e.first_rework_at OR (m.rework IS NOT NULL AND e.first_rework_at IS NULL)
      OR m.extension < e.first_extension_at OR (m.extension IS NOT NULL AND e.first_extension_at IS NULL)
      OR m.returned < e.first_return_at OR (m.returned IS NOT NULL AND e.first_return_at IS NULL)
      OR m.escalate < e.first_escalate_at OR (m.escalate IS NOT NULL AND e.first_escalate_at IS NULL));
  RETURN NULL;
END $$;

UPDATE event e SET first_rework_at = m.rework, first_extension_at = m.extension, first_return_at = m.returned,
  first_escalate_at = m.escalate
FROM (
  SELECT event_id,
    min(at) FILTER (WHERE action = 'rework') AS rework,
    min(at) FILTER (WHERE action = 'approve_extension') AS extension,
    min(at) FILTER (WHERE action = 'return') AS returned,
    min(at) FILTER (WHERE action = 'escalate') AS escalate
  FROM event_history WHERE action IN ('rework', 'approve_extension', 'return', 'escalate')
  GROUP BY event_id
) m
WHERE e.id = m.event_id;

CREATE TRIGGER event_history_milestones AFTER INSERT ON event_history REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION event_milestones_from_history();

-- One event's contribution to the period of `kind` holding its creation: the counts as of that
-- period's end, by the definitions of sql/queries/analytics/indicators.sql, times `sign` (+1 to
-- add the event, −1 to take it away).
CREATE FUNCTION indicator_contribution(e event, kind char(1), sign integer)
RETURNS TABLE (kind char(1), start date, community_code varchar(12), class_code varchar(4), channel text,
  demand_type text, status text, department_id bigint, total integer, due integer, closed integer, on_time integer,
  overdue integer, dispatched integer, rework integer, extension integer, returned integer, evaluated integer,
  satisfied integer, escalated integer, transferred integer)
LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT s.start, ((s.start + CASE kind WHEN 'd' THEN interval '1 day' WHEN 'w' THEN interval '7 days'
      WHEN 'm' THEN interval '1 month' ELSE interval '1 year' END)::timestamp AT TIME ZONE 'Asia/Shanghai') AS period_end
    FROM (SELECT date_trunc(CASE kind WHEN 'd' THEN 'day' WHEN 'w' THEN 'week' WHEN 'm' THEN 'month' ELSE 'year' END,
      e.created_at AT TIME ZONE 'Asia/Shanghai')::date AS start) s
  ), c AS (
    SELECT CASE WHEN e.closed_at < p.period_end THEN e.closed_at END AS closed_at,
      coalesce(e.dispatched_at < p.period_end, false) AS dispatched,
      coalesce(e.first_escalate_at < p.period_end, false) AS escalated
    FROM p
  )
  SELECT kind, p.start, e.community_code, e.class_code, e.channel, e.demand_type, e.status,
    coalesce(e.assignee_department_id, 0), sign,
    sign * coalesce(e.handle_due_at < p.period_end OR c.closed_at IS NOT NULL, false)::integer,
    sign * (c.closed_at IS NOT NULL)::integer,
    sign * coalesce(c.closed_at IS NOT NULL AND (e.handle_due_at IS NULL OR c.closed_at <= e.handle_due_at), false)::integer,
    sign * coalesce(e.handle_due_at < p.period_end AND (c.closed_at IS NULL OR c.closed_at > e.handle_due_at), false)::integer,
    sign * c.dispatched::integer,
    sign * coalesce(e.first_rework_at < p.period_end, false)::integer,
    sign * coalesce(e.first_extension_at < p.period_end, false)::integer,
    sign * coalesce(e.first_return_at < p.period_end, false)::integer,
    sign * (c.closed_at IS NOT NULL AND e.satisfaction IS NOT NULL)::integer,
    sign * coalesce(c.closed_at IS NOT NULL AND e.satisfaction IN ('satisfied', 'basically_satisfied'), false)::integer,
    sign * c.escalated::integer,
    sign * (c.dispatched AND NOT c.escalated)::integer
  FROM p, c
$$;

-- Changes land in an append-only table, never in the roll-up rows themselves: a transition then
-- takes no lock that another transition of a similar event would wait for (the year's row of a
-- community and class is shared by thousands of events, and two transactions touching such rows
-- over several statements could deadlock).
CREATE TABLE indicator_delta (
  kind            char(1) NOT NULL,
  start           date NOT NULL,
  community_code  varchar(12) NOT NULL,
  class_code      varchar(4) NOT NULL,
  channel         text NOT NULL,
  demand_type     text NOT NULL,
  status          text NOT NULL,
  department_id   bigint NOT NULL,
  total           integer NOT NULL,
  due             integer NOT NULL,
  closed          integer NOT NULL,
  on_time         integer NOT NULL,
  overdue         integer NOT NULL,
  dispatched      integer NOT NULL,
  rework          integer NOT NULL,
  extension       integer NOT NULL,
  returned        integer NOT NULL,
  evaluated       integer NOT NULL,
  satisfied       integer NOT NULL,
  escalated       integer NOT NULL,
  transferred     integer NOT NULL
);
CREATE INDEX indicator_delta_period_idx ON indicator_delta (kind, start);

-- kind: d (Shanghai day), w (ISO week from Monday), m (month), y (year); start: its first day.
CREATE TABLE indicator_rollup (
  kind            char(1) NOT NULL CHECK (kind IN ('d', 'w', 'm', 'y')),
  start           date NOT NULL,
  -- 'all' (value ''), 'class' (small class), 'channel', 'demand_type', 'status', 'department' (id; '0' none)
  dim             text NOT NULL CHECK (dim IN ('all', 'class', 'channel', 'demand_type', 'status', 'department')),
  community_code  varchar(12) NOT NULL,
  value           text NOT NULL,
  total           integer NOT NULL,
  due             integer NOT NULL,
  closed          integer NOT NULL,
  on_time         integer NOT NULL,
  overdue         integer NOT NULL,
  dispatched      integer NOT NULL,
  rework          integer NOT NULL,
  extension       integer NOT NULL,
  returned        integer NOT NULL,
  evaluated       integer NOT NULL,
  satisfied       integer NOT NULL,
  escalated       integer NOT NULL,
  transferred     integer NOT NULL,
  -- channel inspector_app (主动发现), which only the channel breakdown would otherwise carry
  inspector       integer NOT NULL,
  PRIMARY KEY (kind, start, dim, community_code, value)
);
-- the rows a fold empties, found without a scan
CREATE INDEX indicator_rollup_empty_idx ON indicator_rollup (kind) WHERE total = 0;

-- The roll-up rows of contributions or deltas: each counted once per breakdown.
CREATE FUNCTION indicator_rollup_rows(d indicator_delta)
RETURNS TABLE (kind char(1), start date, dim text, community_code varchar(12), value text, total integer, due integer,
  closed integer, on_time integer, overdue integer, dispatched integer, rework integer, extension integer, returned integer,
  evaluated integer, satisfied integer, escalated integer, transferred integer, inspector integer)
LANGUAGE sql IMMUTABLE AS $$
  SELECT d.kind, d.start, b.dim, d.community_code, b.value, d.total, d.due, d.closed, d.on_time, d.overdue, d.dispatched,
    d.rework, d.extension, d.returned, d.evaluated, d.satisfied, d.escalated, d.transferred,
    CASE WHEN d.channel = 'inspector_app' THEN d.total ELSE 0 END
  FROM (VALUES ('all', ''), ('class', d.class_code::text), ('channel', d.channel), ('demand_type', d.demand_type),
    ('status', d.status), ('department', d.department_id::text)) AS b (dim, value)
$$;

CREATE FUNCTION indicator_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_delta SELECT c.* FROM new_rows n, unnest('{d,w,m,y}'::char(1)[]) k, LATERAL indicator_contribution(n, k, 1) c;
  RETURN NULL;
END $$;

-- old contributions out, new ones in; an update that moved nothing (they cancel) writes nothing
CREATE FUNCTION indicator_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_delta
  SELECT kind, start, community_code, class_code, channel, demand_type, status, department_id,
    sum(total), sum(due), sum(closed), sum(on_time), sum(overdue), sum(dispatched), sum(rework), sum(extension),
    sum(returned), sum(evaluated), sum(satisfied), sum(escalated), sum(transferred)
  FROM (
    SELECT c.* FROM old_rows o, unnest('{d,w,m,y}'::char(1)[]) k, LATERAL indicator_contribution(o, k, -1) c
    UNION ALL
    SELECT c.* FROM new_rows n, unnest('{d,w,m,y}'::char(1)[]) k, LATERAL indicator_contribution(n, k, 1) c
  ) c
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  HAVING (sum(total), sum(due), sum(closed), sum(on_time), sum(overdue), sum(dispatched), sum(rework), sum(extension),
      sum(returned), sum(evaluated), sum(satisfied), sum(escalated), sum(transferred))
    IS DISTINCT FROM (0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint,
      0::bigint, 0::bigint, 0::bigint, 0::bigint);
  RETURN NULL;
END $$;

CREATE FUNCTION indicator_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO indicator_delta SELECT c.* FROM old_rows o, unnest('{d,w,m,y}'::char(1)[]) k, LATERAL indicator_contribution(o, k, -1) c;
  RETURN NULL;
END $$;

CREATE TRIGGER event_indicators_ins AFTER INSERT ON event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_on_insert();
CREATE TRIGGER event_indicators_upd AFTER UPDATE ON event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_on_update();
CREATE TRIGGER event_indicators_del AFTER DELETE ON event REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION indicator_on_delete();

-- Folds the pending deltas into the roll-ups (the analytics loop calls it every pass). One
-- folder at a time (a transaction-scoped advisory lock; another caller returns -1 at once); the
-- deltas it folds are exactly the ones it deletes, so a delta committed meanwhile waits for the
-- next pass and readers never count one twice or miss one. Rows are written in key order.
CREATE FUNCTION indicator_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('gridgov.indicator_compact')) THEN RETURN -1; END IF;
  WITH moved AS (DELETE FROM indicator_delta RETURNING *)
  INSERT INTO indicator_rollup AS t
  SELECT r.kind, r.start, r.dim, r.community_code, r.value, sum(r.total), sum(r.due), sum(r.closed), sum(r.on_time),
    sum(r.overdue), sum(r.dispatched), sum(r.rework), sum(r.extension), sum(r.returned), sum(r.evaluated), sum(r.satisfied),
    sum(r.escalated), sum(r.transferred), sum(r.inspector)
  FROM moved m, LATERAL indicator_rollup_rows(m::indicator_delta) r
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (kind, start, dim, community_code, value) DO UPDATE SET
    total = t.total + EXCLUDED.total, due = t.due + EXCLUDED.due, closed = t.closed + EXCLUDED.closed,
    on_time = t.on_time + EXCLUDED.on_time, overdue = t.overdue + EXCLUDED.overdue,
    dispatched = t.dispatched + EXCLUDED.dispatched, rework = t.rework + EXCLUDED.rework,
    extension = t.extension + EXCLUDED.extension, returned = t.returned + EXCLUDED.returned,
    evaluated = t.evaluated + EXCLUDED.evaluated, satisfied = t.satisfied + EXCLUDED.satisfied,
    escalated = t.escalated + EXCLUDED.escalated, transferred = t.transferred + EXCLUDED.transferred,
    inspector = t.inspector + EXCLUDED.inspector;
  GET DIAGNOSTICS n = ROW_COUNT;
  -- rows whose events all left (total 0 means every count is 0)
  DELETE FROM indicator_rollup WHERE total = 0;
  RETURN n;
END $$;

-- Recomputes the roll-ups from the events (repair, and the start for a database that already
-- has events); the recount test compares the maintained roll-ups with this.
CREATE FUNCTION indicator_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  LOCK TABLE indicator_rollup, indicator_delta IN EXCLUSIVE MODE;
  DELETE FROM indicator_delta;
  DELETE FROM indicator_rollup;
  INSERT INTO indicator_rollup
  SELECT r.kind, r.start, r.dim, r.community_code, r.value, sum(r.total), sum(r.due), sum(r.closed), sum(r.on_time),
    sum(r.overdue), sum(r.dispatched), sum(r.rework), sum(r.extension), sum(r.returned), sum(r.evaluated), sum(r.satisfied),
    sum(r.escalated), sum(r.transferred), sum(r.inspector)
  FROM event e, unnest('{d,w,m,y}'::char(1)[]) k, LATERAL indicator_contribution(e, k, 1) c,
    LATERAL indicator_rollup_rows(c::indicator_delta) r
  GROUP BY 1, 2, 3, 4, 5;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

SELECT indicator_rebuild();
