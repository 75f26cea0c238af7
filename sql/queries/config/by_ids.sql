-- Versions by id: an open event's pinned configuration (event.config_versions).
SELECT v.id, v.kind, v.key, v.effective_from, v.effective_to, v.body
FROM config_version v
WHERE v.id = ANY(:ids::bigint[])
