-- The blind-spot register of a jurisdiction: gaps whose area lies inside it, open first.
SELECT g.id, g.kind, g.class_code, c.name AS class_name, g.area_code, a.name AS area_name, g.event_numbers, g.source, g.note, g.state,
  g.created_at, g.resolved_at, g.resolution, g.resolution_ref,
  (SELECT coalesce(json_agg(json_build_object('code', d.code, 'name', d.name) ORDER BY d.code), '[]'::json)
    FROM department d WHERE d.id = ANY(g.department_ids)) AS units
FROM responsibility_gap g
JOIN event_class c ON c.code = g.class_code
JOIN admin_division a ON a.code = g.area_code
WHERE g.area_code LIKE ANY(:patterns::text[]) AND (:state = 'all' OR g.state = :state)
ORDER BY g.state, g.created_at DESC, g.id DESC
LIMIT :limit
