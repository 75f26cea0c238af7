-- Intake of one event in ONE statement (one round trip, one implicit transaction): the
-- idempotency claim, the public number, the event, its first history rows and its timers.
--
-- Idempotency: the claim is INSERT … ON CONFLICT DO NOTHING on (client, key). A concurrent
-- request with the same key waits for this one to commit and then claims nothing, so `go` is
-- empty, nothing else is written and the statement returns no row: the caller reads the
-- winner's row instead. Without a key `go` always has its row.
-- Number: taken before, by events/intake_lookup.sql, so the counter row is not locked for the
-- duration of this statement; formatted by eventNumber() (store.ts).
WITH nid AS (
  SELECT nextval('event_id_seq') AS id
), idem AS (
  INSERT INTO event_idempotency (client, key, body_hash, event_id, event_created_at)
  SELECT :client, :idemKey, :bodyHash, nid.id, :createdAt FROM nid
  WHERE :idemKey::text IS NOT NULL
  ON CONFLICT (client, key) DO NOTHING
  RETURNING event_id
), go AS (
  SELECT nid.id FROM nid WHERE :idemKey::text IS NULL OR EXISTS (SELECT 1 FROM idem)
), ev AS (
  INSERT INTO event (id, number, city_code, channel, demand_type, class_code, description, address, geom,
    source_position, grid_code, grid_version, community_code, street_code, district_code, h3_r12, status,
    priority, reporter_user_id, reporter_name, reporter_phone, external_ref, escalation_level,
    assignee_department_id, assignee_member_id, dispatched_at, sign_due_at, handle_due_at, created_at, updated_at,
    config_versions, warn_share)
  SELECT go.id, :number, :cityCode, :channel,
    :demandType, :classCode, :description, :address, ST_SetSRID(ST_MakePoint(:lon, :lat), 4490),
    :sourcePosition::jsonb, :gridCode, :gridVersion, :communityCode, :streetCode, :districtCode, :h3::bigint, :status,
    :priority, :reporterUserId, :reporterName, :reporterPhone, :externalRef, :level,
    :assigneeDepartmentId, :assigneeMemberId, :dispatchedAt, :signDueAt, :handleDueAt, :createdAt, :createdAt,
    :configVersions::jsonb, :warnShare::real
  FROM go
  RETURNING *
), hist AS (
  INSERT INTO event_history (event_id, seq, city_code, action, from_status, to_status, actor_user_id, actor_role,
    actor_name, at, comment, explanation)
  SELECT ev.id, h.seq, :cityCode, h.action, h.from_status, h.to_status, h.actor_user_id, h.actor_role,
    h.actor_name, :createdAt, h.comment, h.explanation
  FROM ev, jsonb_to_recordset(:history::jsonb) AS h(seq int, action text, from_status text, to_status text,
    actor_user_id bigint, actor_role text, actor_name text, comment text, explanation jsonb)
), timers AS (
  INSERT INTO event_timer (event_id, city_code, kind, assignment_at, due_at, payload)
  SELECT ev.id, :cityCode, t.kind, :createdAt, t.due_at, t.payload
  FROM ev, jsonb_to_recordset(:timers::jsonb) AS t(kind text, due_at timestamptz, payload jsonb)
)
-- the answer has the columns of events/read.sql, so the caller needs no second read
SELECT e.id, e.number, e.city_code, e.channel, e.demand_type, e.class_code, c.name AS class_name,
  e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.source_position,
  e.grid_code, e.grid_version, e.community_code, e.street_code, e.district_code, e.h3_r12::text AS h3,
  e.status, e.priority, e.reporter_user_id, e.reporter_name, e.reporter_phone, e.external_ref,
  e.duplicate_of, e.parent_event_id, e.escalation_level, e.assignee_department_id, e.assignee_member_id,
  d.code AS assignee_department_code, d.name AS assignee_department_name,
  d.kind AS assignee_department_kind, d.admin_code AS assignee_department_admin, m.name AS assignee_member_name,
  m.user_id AS assignee_member_user_id, e.assisting_department_ids, e.extension_pending,
  e.dispatched_at, e.sign_due_at, e.handle_due_at, e.parked_at, e.signed_at, e.handled_at, e.closed_at,
  e.satisfaction, e.version, e.created_at, e.updated_at, e.config_versions, e.warn_share,
  pg_notify('gridgov_events', json_build_object('event', e.number, 'action', 'report', 'status', e.status,
    'community', e.community_code)::text) AS notified,
  -- the request id for the outbox rows the history trigger writes at the end of this statement
  -- (outbox.request_id's default reads it; migration 0032)
  set_config('gridgov.request_id', coalesce(:requestId::text, ''), true) AS traced
FROM ev e
JOIN event_class c ON c.code = e.class_code
LEFT JOIN department d ON d.id = e.assignee_department_id
LEFT JOIN grid_member m ON m.id = e.assignee_member_id
