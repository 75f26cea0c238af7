-- Every version of a kind's items (or of one item), oldest first per item, with whether it is
-- in force at the moment given and the name of whoever wrote it.
SELECT v.id, v.kind, v.key, v.effective_from, v.effective_to, v.body, v.reason, v.created_by, v.created_by_name, v.created_at,
  (v.effective_from <= :now AND (v.effective_to IS NULL OR v.effective_to > :now)) AS in_force
FROM config_version v
WHERE v.kind = :kind AND (:key::text IS NULL OR v.key = :key)
ORDER BY v.key, v.effective_from
LIMIT :limit::int
