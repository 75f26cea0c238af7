-- Writes the staged rows of one line range in ONE statement: numbers, events, dedup
-- keys and one 'import' history row each. Rows whose (city, key) is already known are skipped,
-- which makes re-importing a file a no-op; the caller holds the import lock, so no concurrent
-- import can slip the same key in between.
--
-- Numbers: 'E' + the Shanghai day of reported_at + that day's sequence, taken from the same
-- event_number_counter live intake uses (sql/queries/events/next_number.sql): one upsert per
-- (city, day) reserves a block of n numbers, so imported and live events never share a number
-- whatever their order. Within a day the block is handed out in time order. Sequences past
-- 9999 keep all their digits (store.ts NUMBER accepts 4-8).
WITH todo AS MATERIALIZED (
  SELECT s.*, nextval('event_id_seq') AS id, (s.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
    row_number() OVER (PARTITION BY s.city_code, (s.reported_at AT TIME ZONE 'Asia/Shanghai')::date
                       ORDER BY s.reported_at, s.line) AS nth
  FROM event_import_stage s
  WHERE s.line >= :fromLine::integer AND s.line < :toLine::integer AND s.grid_code IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM event_import_key k WHERE k.city_code = s.city_code AND k.key = s.key)
), per_day AS (
  SELECT city_code, day, count(*)::integer AS n FROM todo GROUP BY city_code, day
), alloc AS (
  INSERT INTO event_number_counter AS c (city_code, day, last)
  SELECT city_code, day, n FROM per_day
  ON CONFLICT (city_code, day) DO UPDATE SET last = c.last + excluded.last
  RETURNING c.city_code, c.day, c.last
), numbered AS MATERIALIZED (
  SELECT t.*, 'E' || to_char(t.day, 'YYYYMMDD') || lpad(q.seq::text, greatest(4, length(q.seq::text)), '0') AS number
  FROM todo t
  JOIN per_day d ON d.city_code = t.city_code AND d.day = t.day
  JOIN alloc a ON a.city_code = t.city_code AND a.day = t.day
  CROSS JOIN LATERAL (SELECT a.last - d.n + t.nth AS seq) q
), ev AS (
  INSERT INTO event (id, number, city_code, channel, demand_type, class_code, description, address, geom,
    source_position, grid_code, grid_version, community_code, street_code, district_code, h3_r12, status,
    priority, external_ref, dispatched_at, sign_due_at, signed_at, handle_due_at, handled_at, closed_at,
    satisfaction, created_at, updated_at)
  SELECT n.id, n.number, n.city_code, n.channel, n.demand_type, n.class_code, n.description, n.address, n.geom,
    n.source_position, n.grid_code, n.grid_version, n.community_code, left(n.community_code, 9) || '000',
    left(n.community_code, 6) || '000000', n.h3, n.status, n.priority, n.ref, n.dispatched_at, n.sign_due_at,
    n.signed_at, n.handle_due_at, n.handled_at, n.closed_at, n.satisfaction, n.reported_at,
    greatest(n.reported_at, n.closed_at)
  FROM numbered n
  ORDER BY n.reported_at
  RETURNING id
), keys AS (
  INSERT INTO event_import_key (city_code, key, event_id, event_created_at, import_id, line)
  SELECT n.city_code, n.key, n.id, n.reported_at, :importId::bigint, n.line FROM numbered n
), hist AS (
  INSERT INTO event_history (event_id, seq, city_code, action, from_status, to_status, actor_user_id, actor_role,
    actor_name, at, comment, explanation)
  SELECT n.id, 1, n.city_code, 'import', NULL, n.status, :actorId::bigint, :actorRole::text, :actorName::text, now(), :comment::text,
    jsonb_build_object('import', :importId::bigint, 'file', :fileName::text, 'sha256', :sha256::text, 'line', n.line,
      'ref', n.ref, 'reportedAt', n.reported_at, 'closedAt', n.closed_at, 'gridBasis', n.grid_basis)
  FROM numbered n
)
SELECT (SELECT count(*) FROM ev)::integer AS written
