-- The seconds left on the longest running lock among (scope, key) pairs of the residents'
-- endpoints (none: no row). Bindings: scopes, keys (text arrays of equal length, pairwise).
SELECT t.scope, CAST(ceil(extract(epoch FROM (t.locked_until - now()))) AS integer) AS retry_after
FROM login_throttle t
JOIN unnest(CAST(:scopes AS text[]), CAST(:keys AS text[])) AS k(scope, key_hash)
  ON t.scope = k.scope AND t.key_hash = k.key_hash
WHERE t.locked_until > now()
ORDER BY t.locked_until DESC
LIMIT 1
