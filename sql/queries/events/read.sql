-- One event by its public number, with its assignee's names. The number's date (Shanghai day)
-- bounds created_at, so only that month's partition is searched. Jurisdiction: the caller's
-- admin prefixes, or the reporter themself.
SELECT e.id, e.number, e.city_code, e.channel, e.demand_type, e.class_code, c.name AS class_name,
  e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.source_position,
  e.grid_code, e.grid_version, e.community_code, e.street_code, e.district_code, e.h3_r12::text AS h3,
  e.status, e.priority, e.reporter_user_id, e.reporter_name, e.reporter_phone, e.external_ref,
  e.duplicate_of, e.parent_event_id, e.escalation_level, e.assignee_department_id, e.assignee_member_id,
  d.code AS assignee_department_code, d.name AS assignee_department_name,
  d.kind AS assignee_department_kind, d.admin_code AS assignee_department_admin, m.name AS assignee_member_name,
  m.user_id AS assignee_member_user_id, e.assisting_department_ids, e.extension_pending,
  e.dispatched_at, e.sign_due_at, e.handle_due_at, e.parked_at, e.signed_at, e.handled_at, e.closed_at,
  e.satisfaction, e.version, e.created_at, e.updated_at, e.config_versions, e.warn_share
FROM event e
JOIN event_class c ON c.code = e.class_code
LEFT JOIN department d ON d.id = e.assignee_department_id
LEFT JOIN grid_member m ON m.id = e.assignee_member_id
WHERE e.number = :number
  AND e.created_at >= :dayStart AND e.created_at < :dayEnd
  AND (e.community_code LIKE ANY(:patterns::text[]) OR e.reporter_user_id = :userId)
