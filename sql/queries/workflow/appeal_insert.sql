-- An appeal (申诉) becomes a new event at the same place as the appealed one: same class,
-- grid chain (with the grid version it was located in), H3 cell and reporter, linked by
-- parent_event_id, dispatched at once to the unit the caller chose. Its number comes from the
-- city's day counter like any intake; the counter row stays locked until this transaction
-- commits, which is fine for appeals (rare) but is why intake takes its number separately.
WITH n AS (
  INSERT INTO event_number_counter (city_code, day, last)
  SELECT o.city_code, :day::date, 1 FROM event o WHERE o.id = :id AND o.created_at = :createdAt
  ON CONFLICT (city_code, day) DO UPDATE SET last = event_number_counter.last + 1
  RETURNING last
)
INSERT INTO event (id, number, city_code, channel, demand_type, class_code, description, address, geom,
  source_position, grid_code, grid_version, community_code, street_code, district_code, h3_r12, status,
  priority, reporter_user_id, reporter_name, reporter_phone, external_ref, parent_event_id, escalation_level,
  assignee_department_id, assignee_member_id, dispatched_at, sign_due_at, handle_due_at, created_at, updated_at)
SELECT nextval('event_id_seq'), 'E' || to_char(:day::date, 'YYYYMMDD') || lpad(n.last::text, greatest(4, length(n.last::text)), '0'), o.city_code, o.channel,
  '投诉举报', o.class_code, :description, o.address, o.geom, o.source_position, o.grid_code, o.grid_version,
  o.community_code, o.street_code, o.district_code, o.h3_r12, 'dispatched', o.priority, o.reporter_user_id,
  o.reporter_name, o.reporter_phone, o.external_ref, o.id, :level, :departmentId, :memberId, :now, :signDueAt,
  :handleDueAt, :now, :now
FROM event o, n
WHERE o.id = :id AND o.created_at = :createdAt
RETURNING id, number, created_at, city_code
