-- Idle session timeout (等保, issue 13 item 10): a session ends after SESSION_IDLE_MINUTES without
-- use. last_used_at is moved forward by the authenticated requests of the session (at most once a
-- minute, server/auth/sessions.ts) and read by the same statement that checks the session, so the
-- check costs no extra round trip. A session found idle is revoked with the reason 'idle'.
ALTER TABLE auth_session ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE auth_session DROP CONSTRAINT auth_session_revoke_reason_check;
ALTER TABLE auth_session ADD CONSTRAINT auth_session_revoke_reason_check
  CHECK (revoke_reason IN ('logout', 'logout_all', 'refresh_reuse', 'idle'));
