-- The 综治 organisation chart inside the caller's jurisdiction (optionally one area): every team
-- with its parent, active member count and the grids it serves; the service nests them.
SELECT t.id, t.parent_id, t.name, t.kind, t.community_code, t.grid_code, t.active, a.name AS area_name, a.level AS area_level,
  (SELECT count(*) FROM team_member m WHERE m.team_id = t.id AND m.active) AS members,
  (SELECT count(*) FROM team_grid g WHERE g.team_id = t.id) AS grids
FROM team t
JOIN admin_division a ON a.code = t.community_code
WHERE t.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:area AS text) IS NULL OR t.community_code LIKE CAST(:area AS text))
ORDER BY t.community_code, t.kind, t.name, t.id
