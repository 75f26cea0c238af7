-- The API keys of a city's users, newest first, never their secrets. state: what the key does now.
-- Binding: city.
SELECT k.id, k.name, k.prefix, u.username, u.role, k.scopes, k.created_at, k.expires_at, k.revoked_at,
  k.last_used_at, k.replaced_by, k.application_id,
  CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked'
       WHEN k.expires_at IS NOT NULL AND k.expires_at <= now() THEN 'expired'
       WHEN k.replaced_by IS NOT NULL THEN 'grace'
       ELSE 'active' END AS state
FROM api_key k
JOIN app_user u ON u.id = k.user_id
WHERE u.city_code = :city
ORDER BY k.id DESC
LIMIT 1000
