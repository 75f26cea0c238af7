-- Indicator counts of one whole calendar period with no filter but the jurisdiction and area,
-- from the roll-ups of migration 0021 (one breakdown per community) plus the deltas not yet
-- folded: the same numbers indicators.sql computes from the events, from far fewer rows. The dim parameter is the breakdown
-- the grouping needs ('all' for totals and areas); it is a bound value, never an identifier.
SELECT
  CASE :by::text WHEN 'bigClass' THEN substr(r.value, 1, 2) WHEN 'smallClass' THEN r.value
    WHEN 'channel' THEN r.value WHEN 'demandType' THEN r.value WHEN 'status' THEN r.value
    WHEN 'district' THEN substr(r.community_code, 1, 6) || '000000' WHEN 'street' THEN substr(r.community_code, 1, 9) || '000'
    WHEN 'community' THEN r.community_code::text WHEN 'department' THEN nullif(r.value, '0') END AS grp,
  sum(r.total)::integer AS total,
  sum(r.due)::integer AS due,
  sum(r.closed)::integer AS closed,
  sum(r.on_time)::integer AS on_time,
  sum(r.overdue)::integer AS overdue,
  sum(r.dispatched)::integer AS dispatched,
  sum(r.rework)::integer AS rework,
  sum(r.extension)::integer AS extension,
  sum(r.returned)::integer AS returned,
  sum(r.evaluated)::integer AS evaluated,
  sum(r.satisfied)::integer AS satisfied,
  sum(r.inspector)::integer AS inspector,
  sum(r.escalated)::integer AS escalated,
  sum(r.transferred)::integer AS transferred
FROM (
  SELECT community_code, value, total, due, closed, on_time, overdue, dispatched, rework, extension, returned, evaluated,
    satisfied, escalated, transferred, inspector
  FROM indicator_rollup WHERE kind = :kind AND start = :start::date AND dim = :dim
  UNION ALL
  SELECT d.community_code,
    CASE :dim::text WHEN 'all' THEN '' WHEN 'class' THEN d.class_code::text WHEN 'channel' THEN d.channel
      WHEN 'demand_type' THEN d.demand_type WHEN 'status' THEN d.status ELSE d.department_id::text END,
    d.total, d.due, d.closed, d.on_time, d.overdue, d.dispatched, d.rework, d.extension, d.returned, d.evaluated,
    d.satisfied, d.escalated, d.transferred, CASE WHEN d.channel = 'inspector_app' THEN d.total ELSE 0 END
  FROM indicator_delta d WHERE d.kind = :kind AND d.start = :start::date
) r
WHERE r.community_code LIKE ANY (:patterns::text[]) AND (:area::text IS NULL OR r.community_code LIKE :area)
GROUP BY 1
-- a group whose events all moved elsewhere since the last fold (+1 folded, −1 pending) is no group
HAVING sum(r.total) > 0
ORDER BY 2 DESC, 1
