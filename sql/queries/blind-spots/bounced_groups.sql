-- Bounced orders grouped by class and street: events of the jurisdiction passed between units
-- (退回, 改派, 移交) at least the rule's number of times within the look-back. Each group is a candidate missing
-- responsibility (nobody takes the class in that street).
WITH passed AS (
  SELECT e.id, e.number, e.class_code, e.street_code, e.assignee_department_id,
    (SELECT count(*) FROM event_history h WHERE h.event_id = e.id AND h.action IN ('return', 'reassign', 'transfer')) AS bounces
  FROM event e
  WHERE e.community_code LIKE ANY(:patterns::text[]) AND e.created_at >= :since
)
SELECT p.class_code, p.street_code, array_agg(p.number ORDER BY p.number) AS numbers,
  to_json(array_remove(array_agg(DISTINCT p.assignee_department_id), NULL)) AS department_ids
FROM passed p
WHERE p.bounces >= :bounces
GROUP BY p.class_code, p.street_code
ORDER BY p.class_code, p.street_code
