-- The seconds left on the longest running lock of an account or address (none: no row).
-- Bindings: account, address (key hashes).
SELECT scope, CAST(ceil(extract(epoch FROM (locked_until - now()))) AS integer) AS retry_after
FROM login_throttle
WHERE ((scope = 'account' AND key_hash = :account) OR (scope = 'address' AND key_hash = :address))
  AND locked_until > now()
ORDER BY locked_until DESC
LIMIT 1
