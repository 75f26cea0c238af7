-- Exemplary cases inside the caller's jurisdiction (by the event's community), newest pinning
-- first (pinned_at, id) with a keyset cursor; one case when an id is given. Filters are optional
-- (NULL: not applied): state on_show / withdrawn / all, class prefix, area prefix, text (title,
-- summary, the event's description, an exact event number or tag). The event's facts and clock
-- come along for the case's view and its time taken against the limit.
SELECT x.id, x.city_code, x.event_id, x.event_number, x.community_code, x.title, x.summary, x.reason, x.tags,
  x.pinned_by, pu.display_name AS pinned_by_name, x.pinned_at, x.unpinned_at, x.unpinned_by,
  uu.display_name AS unpinned_by_name, x.unpin_reason, a.name AS community_name,
  e.class_code, c.name AS class_name, e.description, e.address, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat,
  e.street_code, e.district_code, e.status, e.satisfaction, e.created_at, e.dispatched_at, e.handle_due_at,
  e.handled_at, e.closed_at,
  to_char(x.pinned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t
FROM exemplary_case x
JOIN event e ON e.id = x.event_id AND e.created_at = x.event_created_at
JOIN event_class c ON c.code = e.class_code
JOIN app_user pu ON pu.id = x.pinned_by
LEFT JOIN app_user uu ON uu.id = x.unpinned_by
LEFT JOIN admin_division a ON a.code = x.community_code
WHERE x.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR x.id = CAST(:id AS bigint))
  AND (CAST(:state AS text) = 'all' OR (CAST(:state AS text) = 'on_show') = (x.unpinned_at IS NULL))
  AND (CAST(:klass AS text) IS NULL OR e.class_code LIKE CAST(:klass AS text))
  AND (CAST(:area AS text) IS NULL OR x.community_code LIKE CAST(:area AS text))
  AND (CAST(:like AS text) IS NULL OR x.title ILIKE CAST(:like AS text) OR x.summary ILIKE CAST(:like AS text)
       OR e.description ILIKE CAST(:like AS text) OR x.event_number = CAST(:text AS text) OR CAST(:tag AS text) = ANY (x.tags))
  AND (CAST(:cursorT AS timestamptz) IS NULL OR (x.pinned_at, x.id) < (CAST(:cursorT AS timestamptz), CAST(:cursorI AS bigint)))
ORDER BY x.pinned_at DESC, x.id DESC
LIMIT :limit
