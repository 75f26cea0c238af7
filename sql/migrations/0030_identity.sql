-- Identity hardening (issue 13 item 1).

-- Failed sign-ins, shared by every instance: one row per account (the SHA-256 of the lower-cased
-- login name, whether or not the account exists, so a lock never tells which names are real)
-- and one per client address. `failures` counts within the window that began at window_start;
-- reaching the limit sets locked_until. A success deletes the account's row.
CREATE TABLE login_throttle (
  scope         text NOT NULL CHECK (scope IN ('account', 'address')),
  key_hash      text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  failures      integer NOT NULL DEFAULT 0,
  window_start  timestamptz NOT NULL DEFAULT now(),
  locked_until  timestamptz,
  PRIMARY KEY (scope, key_hash)
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_start);

-- Sign-in sessions: one per login, named by the access tokens it issues (claim sid) and by its
-- chain of refresh tokens (the family). Logout revokes the session; reuse of a refresh token
-- already rotated revokes it too (a stolen token was used by someone).
CREATE TABLE auth_session (
  id             uuid PRIMARY KEY,
  user_id        bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoke_reason  text CHECK (revoke_reason IN ('logout', 'logout_all', 'refresh_reuse'))
);
CREATE INDEX auth_session_user_idx ON auth_session (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens, stored as SHA-256 only (long random secrets: no dictionary to resist).
-- used_at set: rotated; presenting it again is reuse.
CREATE TABLE refresh_token (
  token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  session_id   uuid NOT NULL REFERENCES auth_session (id) ON DELETE CASCADE,
  issued_at    timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX refresh_token_session_idx ON refresh_token (session_id);

-- API key scopes, rotation and who made a key. Keys that exist already (the demo system's) keep
-- every scope, so nothing they did stops working; new keys name theirs.
ALTER TABLE api_key ADD COLUMN scopes text[] NOT NULL
  DEFAULT ARRAY['events:read', 'events:write', 'positions:read', 'positions:write', 'ogc:read', 'reference:read', 'reference:write'];
ALTER TABLE api_key ALTER COLUMN scopes DROP DEFAULT;
ALTER TABLE api_key ADD CONSTRAINT api_key_scopes_known CHECK (cardinality(scopes) > 0 AND scopes <@
  ARRAY['events:read', 'events:write', 'positions:read', 'positions:write', 'ogc:read', 'reference:read', 'reference:write']);
-- set on the old key by a rotation: it stays valid until its expires_at (the grace end)
ALTER TABLE api_key ADD COLUMN replaced_by bigint REFERENCES api_key (id);
ALTER TABLE api_key ADD COLUMN created_by bigint REFERENCES app_user (id);
