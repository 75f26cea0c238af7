-- The state of a session for a request of it, in one round trip: whether it is revoked or idle
-- past idle_seconds (as it was before this request), and, when it is alive and its last use is
-- older than touch_seconds, its last use moved to now (at most one write a minute per session);
-- not when the request is not a use (touch false: a page's timer, no person behind it).
-- Bindings: id, idle_seconds, touch_seconds, touch.
WITH s AS (
  SELECT id, revoked_at, revoke_reason, last_used_at <= now() - CAST(:idle_seconds AS integer) * interval '1 second' AS idle
  FROM auth_session WHERE id = :id
), touched AS (
  UPDATE auth_session a SET last_used_at = now()
  FROM s
  WHERE a.id = s.id AND s.revoked_at IS NULL AND NOT s.idle AND CAST(:touch AS boolean)
    AND a.last_used_at < now() - CAST(:touch_seconds AS integer) * interval '1 second'
  RETURNING a.id
)
SELECT s.revoked_at IS NOT NULL AS revoked, s.revoke_reason, s.idle, (SELECT count(*) FROM touched) AS touched FROM s
