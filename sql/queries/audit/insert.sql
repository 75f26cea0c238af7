-- The audit rows of one request in ONE statement (server/audit/write.ts): its change row and one
-- row per record delivered with personal fields in full. The table refuses updates and deletes
-- (migration 0032); this is the only statement that writes it besides the unmask.
INSERT INTO access_audit (request_id, user_id, username, role, principal_kind, client_address, method, path,
  action, resource_type, resource_id, record_id, community_code, personal, fields, status, city_code, reason, api_key_id)
SELECT r.request_id, r.user_id, r.username, r.role, r.principal_kind, r.client_address, r.method, r.path,
  r.action, r.resource_type, r.resource_id, r.record_id, r.community_code, r.personal, coalesce(r.fields, '{}'),
  r.status, r.city_code, r.reason, r.api_key_id
FROM jsonb_to_recordset(:rows::jsonb) AS r(request_id text, user_id bigint, username text, role text,
  principal_kind text, client_address text, method text, path text, action text, resource_type text,
  resource_id text, record_id bigint, community_code text, personal boolean, fields text[], status smallint,
  city_code text, reason text, api_key_id bigint)
RETURNING id, at
