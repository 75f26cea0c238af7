-- The work queues of one holder (a grid member and/or units) inside the caller's jurisdiction:
--   to_sign    dispatched to the holder, not signed yet
--   to_handle  signed or being handled by the holder
--   due_soon   the deadline running now (sign while dispatched, handling after) falls before dueBy
--              (overdue ones included: they are the most urgent)
--   returned   came back to the holder (rework after a failed check, a sub-unit's refusal); for
--              the desk (desk), filed events a unit returned
--   to_verify  for verifiers (verifier): reports waiting for an on-site verification (事件核实)
-- Each queue is cut at limit rows after offset, the running deadline first (with queue set, only
-- that queue is paged); total counts the whole queue, and every queue's first row (rn 1) comes
-- with every page so that each total is carried even by a page past a queue's end.
-- The holder's rows come by the assignee indexes (event_assignee_idx, event_assignee_member_idx),
-- the desk's and verifiers' by event_status_idx.
WITH held AS (
  SELECT e.id, e.number, e.status, e.class_code, e.description, e.community_code, e.created_at, e.priority,
    e.assignee_department_id, e.assignee_member_id,
    CASE WHEN e.status = 'dispatched' THEN e.sign_due_at WHEN e.status IN ('signed', 'handling') THEN e.handle_due_at END AS due_at
  FROM event e
  WHERE e.status IN ('dispatched', 'signed', 'handling')
    AND (e.assignee_member_id = :memberId OR e.assignee_department_id = ANY(:departmentIds::bigint[]))
    AND e.community_code LIKE ANY(:patterns::text[])
),
desk AS (
  SELECT e.id, e.number, e.status, e.class_code, e.description, e.community_code, e.created_at, e.priority,
    e.assignee_department_id, e.assignee_member_id, NULL::timestamptz AS due_at
  FROM event e
  WHERE :desk AND e.status = 'accepted' AND e.community_code LIKE ANY(:patterns::text[])
),
awaiting AS (
  SELECT e.id, e.number, e.status, e.class_code, e.description, e.community_code, e.created_at, e.priority,
    e.assignee_department_id, e.assignee_member_id, NULL::timestamptz AS due_at
  FROM event e
  WHERE :verifier AND e.status = 'reported' AND e.community_code LIKE ANY(:patterns::text[])
    AND EXISTS (SELECT 1 FROM event_history h WHERE h.event_id = e.id AND h.action = 'verify_required')
    AND NOT EXISTS (SELECT 1 FROM event_verification v WHERE v.event_id = e.id AND v.outcome = 'confirmed')
),
last_action AS (
  SELECT x.id, (SELECT h.action FROM event_history h WHERE h.event_id = x.id ORDER BY h.seq DESC LIMIT 1) AS action
  FROM (SELECT id FROM held UNION SELECT id FROM desk) x
),
tagged AS (
  SELECT 'to_sign' AS queue, held.* FROM held WHERE status = 'dispatched'
  UNION ALL SELECT 'to_handle', held.* FROM held WHERE status IN ('signed', 'handling')
  UNION ALL SELECT 'due_soon', held.* FROM held WHERE due_at IS NOT NULL AND due_at <= :dueBy
  UNION ALL SELECT 'returned', held.* FROM held JOIN last_action l ON l.id = held.id WHERE l.action IN ('return', 'rework')
  UNION ALL SELECT 'returned', desk.* FROM desk JOIN last_action l ON l.id = desk.id WHERE l.action = 'return'
  UNION ALL SELECT 'to_verify', awaiting.* FROM awaiting
),
ranked AS (
  SELECT t.*, row_number() OVER (PARTITION BY t.queue ORDER BY t.due_at NULLS LAST, t.priority, t.created_at, t.id) AS rn,
    count(*) OVER (PARTITION BY t.queue) AS total
  FROM tagged t
)
SELECT r.queue, r.rn, r.number, r.status, r.class_code, c.name AS class_name, r.description, r.community_code, r.priority,
  r.due_at, r.created_at, r.total, d.code AS department_code, d.name AS department_name, m.id AS member_id, m.name AS member_name,
  EXISTS (SELECT 1 FROM event_emergency x WHERE x.event_id = r.id) AS emergency
FROM ranked r
JOIN event_class c ON c.code = r.class_code
LEFT JOIN department d ON d.id = r.assignee_department_id
LEFT JOIN grid_member m ON m.id = r.assignee_member_id
WHERE r.rn = 1 OR (r.rn > :offset::int AND r.rn <= :offset::int + :limit::int AND (:queue::text IS NULL OR r.queue = :queue::text))
ORDER BY r.queue, r.rn
