-- Service requests (events) for Open311 GET requests / GET requests/{id}: the public fields only
-- (no reporter columns are selected, so none can leak), newest first.
-- * created_at is always bounded (at most the 90-day window, or the days of the requested
--   numbers), so only the partitions of those months are scanned.
-- * Optional filters are NULL when absent; the jurisdiction is the caller's admin prefixes, or
--   the public view of a city, which leaves out the social-governance domain; the caller's own
--   reports are visible either way (as in events/read.sql).
SELECT e.id, e.number, e.status, e.class_code, c.name AS class_name, c.time_limit_value, c.time_limit_unit,
  c.closure_condition, e.demand_type, e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat,
  e.grid_code, e.community_code, d.name AS agency, e.handle_due_at, e.closed_at, e.created_at, e.updated_at,
  o.media_url, o.address_id
FROM event e
JOIN event_class c ON c.code = e.class_code
LEFT JOIN department d ON d.id = e.assignee_department_id
LEFT JOIN open311_request o ON o.event_id = e.id
WHERE e.created_at >= :since AND e.created_at < :until
  AND (:numbers::text[] IS NULL OR e.number = ANY(:numbers::text[]))
  AND (:classCodes::text[] IS NULL OR e.class_code = ANY(:classCodes::text[]))
  AND (:statuses::text[] IS NULL OR e.status = ANY(:statuses::text[]))
  AND (:gridCode::text IS NULL OR e.grid_code = :gridCode)
  AND ((e.community_code LIKE ANY(:patterns::text[]) AND (NOT :publicView::boolean OR c.domain <> 'social_governance'))
       OR e.reporter_user_id = :userId)
ORDER BY e.created_at DESC, e.id DESC
LIMIT :limit OFFSET :offset
