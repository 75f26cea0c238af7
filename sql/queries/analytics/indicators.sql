-- Indicator counts (指标) of the events created in [from, to), in total or per group, in one
-- statement. Every count is as of the window end: a closing, a deadline or a history action after the window end
-- has not happened yet, so a past window's numbers stay fixed as events move on.
-- Definitions (server/analytics/indicators.ts explains why):
--   due       deadline passed by the window end, or closed by the window end (so closed ⊆ due and 结案率 ≤ 1)
--   closed    closed_at < the window end;  on_time: closed and (no deadline or closed_at ≤ handle_due_at)
--   overdue   deadline < the window end and either still open at the window end or closed after the deadline
--   dispatched dispatched_at < the window end (the denominator of rework / extension / return)
--   rework / extension / returned / escalated: the first rework / approve_extension / return / escalate action
--             (kept on the event by the history trigger of migration 0021) happened before the window end
--   handling mode: escalated (提级), transferred (转办: dispatched, not escalated), direct (直接办理: neither)
--   evaluated satisfaction given on a closed event; satisfied: satisfied or basically_satisfied
-- The group is chosen with CASE over a bound value: the column never comes from the request text.
WITH ev AS (
  SELECT e.id, e.created_at, e.channel, e.demand_type, e.class_code, e.status, e.community_code,
    e.street_code, e.district_code, e.assignee_department_id, e.dispatched_at, e.handle_due_at, e.satisfaction,
    CASE WHEN e.closed_at < :to THEN e.closed_at END AS closed_at,
    coalesce(e.first_rework_at < :to, false) AS rework, coalesce(e.first_extension_at < :to, false) AS extension,
    coalesce(e.first_return_at < :to, false) AS returned, coalesce(e.first_escalate_at < :to, false) AS escalated
  FROM event e
  WHERE e.created_at >= :from AND e.created_at < :to
    AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
          :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
)
SELECT
  CASE :by::text WHEN 'bigClass' THEN substr(ev.class_code, 1, 2) WHEN 'smallClass' THEN ev.class_code::text
    WHEN 'channel' THEN ev.channel WHEN 'demandType' THEN ev.demand_type WHEN 'status' THEN ev.status
    WHEN 'district' THEN ev.district_code::text WHEN 'street' THEN ev.street_code::text
    WHEN 'community' THEN ev.community_code::text WHEN 'department' THEN ev.assignee_department_id::text END AS grp,
  count(*)::integer AS total,
  count(*) FILTER (WHERE ev.handle_due_at < :to OR ev.closed_at IS NOT NULL)::integer AS due,
  count(*) FILTER (WHERE ev.closed_at IS NOT NULL)::integer AS closed,
  count(*) FILTER (WHERE ev.closed_at IS NOT NULL AND (ev.handle_due_at IS NULL OR ev.closed_at <= ev.handle_due_at))::integer AS on_time,
  count(*) FILTER (WHERE ev.handle_due_at < :to AND (ev.closed_at IS NULL OR ev.closed_at > ev.handle_due_at))::integer AS overdue,
  count(*) FILTER (WHERE ev.dispatched_at < :to)::integer AS dispatched,
  count(*) FILTER (WHERE ev.rework)::integer AS rework,
  count(*) FILTER (WHERE ev.extension)::integer AS extension,
  count(*) FILTER (WHERE ev.returned)::integer AS returned,
  count(*) FILTER (WHERE ev.closed_at IS NOT NULL AND ev.satisfaction IS NOT NULL)::integer AS evaluated,
  count(*) FILTER (WHERE ev.closed_at IS NOT NULL AND ev.satisfaction IN ('satisfied', 'basically_satisfied'))::integer AS satisfied,
  count(*) FILTER (WHERE ev.channel = 'inspector_app')::integer AS inspector,
  count(*) FILTER (WHERE ev.escalated)::integer AS escalated,
  count(*) FILTER (WHERE ev.dispatched_at < :to AND NOT ev.escalated)::integer AS transferred
FROM ev
GROUP BY 1
ORDER BY 2 DESC, 1
