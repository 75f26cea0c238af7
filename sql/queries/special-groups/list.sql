-- Special-group records inside the caller's jurisdiction, with their resident, responsible member,
-- visit plan and due date; one record when an id is given. Filters are optional (NULL: not
-- applied). The due date counts the plan's interval from the last visit (Beijing day), or from
-- the start of the record when it was never visited; a record is active until its end day, and
-- overdue when active and due before today. Keyset pages by id, or by (due day, id) when sorted
-- by due day (the overdue list, most overdue first).
SELECT g.id, g.version, g.city_code, g.community_code, g.grid_code, ST_X(g.geom) AS lon, ST_Y(g.geom) AS lat,
  g.resident_id, r.name AS resident_name, r.id_number_masked, r.gender, to_char(r.birth_date, 'YYYY-MM-DD') AS birth_date,
  g.kind, g.risk_level, g.responsible_member_id, m.name AS member_name, g.guardian_name, g.guardian_phone,
  to_char(g.since, 'YYYY-MM-DD') AS since, to_char(g.until, 'YYYY-MM-DD') AS until, g.note, g.last_visit_at, g.verified_at, g.created_at, g.updated_at,
  p.interval_days, p.source AS plan_source, p.reason AS plan_reason, p.set_at AS plan_set_at,
  to_char(d.due_on, 'YYYY-MM-DD') AS due_on, (g.until IS NULL OR g.until >= CAST(:today AS date)) AS active,
  CAST(:today AS date) - d.due_on AS overdue_days
FROM special_group g
JOIN resident r ON r.id = g.resident_id
JOIN special_visit_plan p ON p.special_group_id = g.id
LEFT JOIN grid_member m ON m.id = g.responsible_member_id
CROSS JOIN LATERAL (
  SELECT COALESCE(CAST(g.last_visit_at AT TIME ZONE 'Asia/Shanghai' AS date), g.since) + p.interval_days AS due_on
) d
WHERE g.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR g.id = CAST(:id AS bigint))
  AND (CAST(:area AS text) IS NULL OR g.community_code LIKE CAST(:area AS text))
  AND (CAST(:grids AS text[]) IS NULL OR g.grid_code = ANY (CAST(:grids AS text[])))
  AND (CAST(:kind AS text) IS NULL OR g.kind = CAST(:kind AS text))
  AND (CAST(:risk AS text) IS NULL OR g.risk_level = CAST(:risk AS text))
  AND (CAST(:member AS bigint) IS NULL OR g.responsible_member_id = CAST(:member AS bigint))
  AND (CAST(:status AS text) = 'all'
       OR (CAST(:status AS text) = 'active') = (g.until IS NULL OR g.until >= CAST(:today AS date)))
  AND (NOT CAST(:overdue AS boolean)
       OR ((g.until IS NULL OR g.until >= CAST(:today AS date)) AND d.due_on < CAST(:today AS date)))
  AND (CAST(:name AS text) IS NULL OR r.name LIKE CAST(:name AS text))
  AND (CAST(:idIndexes AS text[]) IS NULL OR r.id_number_index = ANY (CAST(:idIndexes AS text[])))
  AND (CAST(:afterId AS bigint) IS NULL
       OR (NOT CAST(:byDue AS boolean) AND g.id > CAST(:afterId AS bigint))
       OR (CAST(:byDue AS boolean) AND (d.due_on, g.id) > (CAST(:afterDue AS date), CAST(:afterId AS bigint))))
ORDER BY CASE WHEN CAST(:byDue AS boolean) THEN d.due_on END, g.id
LIMIT :limit
