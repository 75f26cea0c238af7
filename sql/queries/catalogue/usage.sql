-- The use of one access application: the access-audit rows written for requests made with any of
-- its keys (the approved key and its rotations: api_key.application_id), newest first. A request
-- that delivered personal fields in full adds one row per record read.
-- Bindings: id (the application), limit.
SELECT a.at, a.api_key_id, a.method, a.path, a.action, a.status, a.client_address, a.resource_type, a.resource_id, a.personal
FROM access_audit a
WHERE a.api_key_id IN (SELECT k.id FROM api_key k WHERE k.application_id = :id)
ORDER BY a.at DESC, a.id DESC
LIMIT :limit
