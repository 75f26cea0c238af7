-- Proactive tasks inside the caller's jurisdiction (communities matching the patterns), or only in
-- the given grids (a grid inspector's own), newest due first; with the resident's personal fields
-- for the masking rule to show as the role may, and the rule's name.
SELECT t.id, t.rule_id, t.rule_version, t.kind, t.period_key, t.community_code, t.grid_code,
       to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.detail, t.status, t.closed_at, t.closed_by, u.display_name AS closed_by_name,
       t.note, t.created_at, pr.name AS rule_name,
       r.id AS resident_id, r.name, r.phone, r.id_number_masked, r.gender, to_char(r.birth_date, 'YYYY-MM-DD') AS birth_date,
       h.full_address AS house_address
FROM proactive_task t
JOIN proactive_rule pr ON pr.id = t.rule_id
JOIN resident r ON r.id = t.resident_id
LEFT JOIN house h ON h.id = r.house_id
LEFT JOIN app_user u ON u.id = t.closed_by
WHERE t.community_code LIKE ANY(:patterns::text[])
  AND (:grids::text[] IS NULL OR t.grid_code = ANY(:grids::text[]))
  AND (:status::text IS NULL OR t.status = :status)
  AND (:kind::text IS NULL OR t.kind = :kind)
  AND (:ruleId::bigint IS NULL OR t.rule_id = :ruleId)
  AND (:community::text IS NULL OR t.community_code = :community)
  AND (:grid::text IS NULL OR t.grid_code = :grid)
  AND (:ids::bigint[] IS NULL OR t.id = ANY(:ids::bigint[]))
  AND (:after::bigint IS NULL OR t.id < :after)
ORDER BY t.id DESC
LIMIT :limit
