-- Everything a bearer request needs of its caller, in one round trip: its session's state (revoked,
-- or idle past idle_seconds as it was before this request; its last use moved to now at most every
-- touch_seconds, and only when the request is a use: not a page's timer, no person behind it) and
-- the user with its jurisdiction, as users.ts selects it. One row always: a missing session or
-- user reads NULL.
-- Bindings: id, user_id, idle_seconds, touch_seconds, touch.
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
SELECT s.id IS NOT NULL AS session_found, s.revoked_at IS NOT NULL AS revoked, s.revoke_reason, s.idle,
  (SELECT count(*) FROM touched) AS touched,
  u.id, u.username, u.display_name, u.role, u.department_id, u.city_code, u.disabled, u.password_hash, u.tokens_valid_after,
  (SELECT array_agg(j.admin_code ORDER BY j.admin_code) FROM user_jurisdiction j WHERE j.user_id = u.id) AS admin_codes
FROM (SELECT 1) AS one
LEFT JOIN s ON true
LEFT JOIN app_user u ON u.id = :user_id
