-- Marks a refresh token used, once: the row comes back only to the first caller, and only while
-- the token is unexpired and its session alive and not idle (a refresh is not a use: a page left
-- alone refreshes its token but still times out). Bindings: hash, idle_seconds.
UPDATE refresh_token r SET used_at = now()
FROM auth_session s
WHERE r.token_hash = :hash AND r.used_at IS NULL AND r.expires_at > now()
  AND s.id = r.session_id AND s.revoked_at IS NULL
  AND s.last_used_at > now() - CAST(:idle_seconds AS integer) * interval '1 second'
RETURNING r.session_id, s.user_id
