-- Indicator counts of one whole calendar period (a Shanghai day, ISO week, month or year) from
-- the aggregates kept by the triggers of migration 0021 (the folded rows plus the deltas not yet
-- folded), in total or per group: the same
-- numbers sql/queries/analytics/indicators.sql computes from the events for that window (the
-- counts of each event as of the period's end), summed over a few thousand rows.
-- The filter is the events' own (analytics_event_matches) applied to the aggregates' dimensions.
SELECT
  CASE :by::text WHEN 'bigClass' THEN substr(p.class_code, 1, 2) WHEN 'smallClass' THEN p.class_code::text
    WHEN 'channel' THEN p.channel WHEN 'demandType' THEN p.demand_type WHEN 'status' THEN p.status
    WHEN 'district' THEN substr(p.community_code, 1, 6) || '000000' WHEN 'street' THEN substr(p.community_code, 1, 9) || '000'
    WHEN 'community' THEN p.community_code::text WHEN 'department' THEN nullif(p.department_id, 0)::text END AS grp,
  sum(p.total)::integer AS total,
  sum(p.due)::integer AS due,
  sum(p.closed)::integer AS closed,
  sum(p.on_time)::integer AS on_time,
  sum(p.overdue)::integer AS overdue,
  sum(p.dispatched)::integer AS dispatched,
  sum(p.rework)::integer AS rework,
  sum(p.extension)::integer AS extension,
  sum(p.returned)::integer AS returned,
  sum(p.evaluated)::integer AS evaluated,
  sum(p.satisfied)::integer AS satisfied,
  coalesce(sum(p.total) FILTER (WHERE p.channel = 'inspector_app'), 0)::integer AS inspector,
  sum(p.escalated)::integer AS escalated,
  sum(p.transferred)::integer AS transferred
FROM (
  SELECT * FROM indicator_period WHERE kind = :kind AND start = :start::date
  UNION ALL
  SELECT * FROM indicator_delta WHERE kind = :kind AND start = :start::date
) p
WHERE analytics_event_matches(p.community_code, p.class_code, p.channel, p.demand_type, p.status,
        :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
GROUP BY 1
-- a group whose events all moved elsewhere since the last fold (+1 folded, −1 pending) is no group
HAVING sum(p.total) > 0
ORDER BY 2 DESC, 1
