-- Open events of a jurisdiction measured against the 疑难 rule: how often they were passed
-- between units (退回, 改派, 移交), how many hours past the handling deadline, and how many units
-- took part (the assignee, assisting units, hand-downs, transfers, parallel parts). Answers those
-- that reach any threshold (onlyHits) or every measured one named in numbers, with whether a
-- marking is open already. An event measures against the 疑难 rule version it was reported under
-- (config_versions.hard_case_rules); one reported before the rule was versioned, against the
-- thresholds given.
WITH open_events AS (
  SELECT e.id, e.number, e.city_code, e.class_code, e.community_code, e.status, e.handle_due_at,
    e.assignee_department_id, e.created_at, e.description,
    coalesce((r.body ->> 'bounces')::int, :bounces) AS rule_bounces,
    coalesce((r.body ->> 'overdueHours')::int, :overdueHours) AS rule_overdue_hours,
    coalesce((r.body ->> 'units')::int, :units) AS rule_units
  FROM event e
  LEFT JOIN config_version r ON r.kind = 'hard_case_rules' AND r.id = (e.config_versions ->> 'hard_case_rules')::bigint
  WHERE e.status IN ('accepted', 'dispatched', 'signed', 'handling', 'handled', 'verified', 'parked')
    AND e.community_code LIKE ANY(:patterns::text[])
    AND e.created_at >= :since
    AND (cardinality(:numbers::text[]) = 0 OR e.number = ANY(:numbers::text[]))
),
measured AS (
  SELECT o.*,
    (SELECT count(*) FROM event_history h WHERE h.event_id = o.id AND h.action IN ('return', 'reassign', 'transfer'))::int AS bounces,
    CASE WHEN o.handle_due_at IS NOT NULL AND o.handle_due_at < :now AND o.status IN ('dispatched', 'signed', 'handling', 'parked')
      THEN floor(extract(epoch FROM (:now::timestamptz - o.handle_due_at)) / 3600)::int ELSE 0 END AS overdue_hours,
    (SELECT count(DISTINCT u.d) FROM (
        SELECT o.assignee_department_id AS d
        UNION SELECT a.department_id FROM event_assist a WHERE a.event_id = o.id
        UNION SELECT f.to_department_id FROM event_forward f WHERE f.event_id = o.id
        UNION SELECT t.to_department_id FROM event_transfer t WHERE t.event_id = o.id
        UNION SELECT p.department_id FROM event_part p WHERE p.event_id = o.id
      ) u WHERE u.d IS NOT NULL)::int AS units,
    EXISTS (SELECT 1 FROM event_hard_case c WHERE c.event_id = o.id AND c.cleared_at IS NULL) AS marked
  FROM open_events o
)
SELECT m.id, m.number, m.city_code, m.class_code, c.name AS class_name, m.community_code, m.status, m.created_at,
  m.description, m.bounces, m.overdue_hours, m.units, m.marked, m.rule_bounces, m.rule_overdue_hours, m.rule_units
FROM measured m JOIN event_class c ON c.code = m.class_code
WHERE NOT :onlyHits OR m.bounces >= m.rule_bounces OR m.overdue_hours >= m.rule_overdue_hours OR m.units >= m.rule_units
ORDER BY m.bounces DESC, m.overdue_hours DESC, m.units DESC, m.created_at
LIMIT :limit
