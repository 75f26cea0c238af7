-- The version of every configuration item in force at the given moment (all kinds, or one), and the next
-- moment after the given moment when what is in force changes (a version starting or ending): caches of the
-- configuration hold until then at the latest. Versions of an item never overlap
-- (server/config/store.ts refuses it), so each item has at most one row here.
SELECT v.id, v.kind, v.key, v.effective_from, v.effective_to, v.body, v.reason, v.created_by, v.created_by_name, v.created_at,
  (SELECT min(t) FROM (
     SELECT min(effective_from) AS t FROM config_version WHERE effective_from > :at
     UNION ALL
     SELECT min(effective_to) FROM config_version WHERE effective_to > :at) AS b) AS next_change
FROM config_version v
WHERE (:kind::text IS NULL OR v.kind = :kind)
  AND v.effective_from <= :at AND (v.effective_to IS NULL OR v.effective_to > :at)
ORDER BY v.kind, v.key
