-- The residents' page (issue 15 item 3) and notices (公告).
--
-- Codes sent by SMS, follow tokens, notices; the throttle counters of the sign-in throttle
-- (login_throttle) count the residents' codes too (new scopes), and the outbox gains the 'sms'
-- adapter (server/integrations/sms.ts).

-- Verification codes (验证码): 6 digits, only their HMAC kept, 5 minutes, single use; a code
-- dies after a few wrong tries. phone_hash is the HMAC of the phone (never the phone itself).
CREATE TABLE public_code (
  id           bigserial PRIMARY KEY,
  phone_hash   char(64) NOT NULL CHECK (phone_hash ~ '^[0-9a-f]{64}$'),
  purpose      text NOT NULL CHECK (purpose IN ('report', 'follow')),
  -- the event number a 'follow' code was asked for
  number       text CHECK (number IS NULL OR number ~ '^E[0-9]{12,16}$'),
  code_hash    char(64) NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX public_code_phone_idx ON public_code (phone_hash, purpose, created_at DESC);

-- Follow tokens (跟踪凭证): random, only their SHA-256 kept, bound to one event, 30 days.
CREATE TABLE public_follow (
  token_hash   char(64) PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  event_number text NOT NULL CHECK (event_number ~ '^E[0-9]{12,16}$'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX public_follow_number_idx ON public_follow (event_number);

-- Counters of the residents' endpoints in the sign-in throttle's table: codes sent per phone and
-- per address, wrong codes per phone, per event number and per address.
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_scope_check;
ALTER TABLE login_throttle ADD CONSTRAINT login_throttle_scope_check
  CHECK (scope IN ('account', 'address', 'sms_phone', 'sms_address', 'code_phone', 'code_number', 'code_address'));

-- The SMS gateway is a platform of the outbox like a webhook receiver.
ALTER TABLE integration_platform DROP CONSTRAINT integration_platform_adapter_check;
ALTER TABLE integration_platform ADD CONSTRAINT integration_platform_adapter_check CHECK (adapter IN ('webhook', 'sms'));

-- Notices (公告): written by staff, sanitised HTML, public or internal, shown inside a window.
CREATE TABLE notice (
  id            bigserial PRIMARY KEY,
  city_code     varchar(6) NOT NULL CHECK (city_code ~ '^[0-9]{6}$'),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  category      text NOT NULL CHECK (category IN ('notice', 'policy', 'service', 'safety', 'activity')),
  body_html     text NOT NULL CHECK (length(body_html) <= 100000),
  audience      text NOT NULL DEFAULT 'public' CHECK (audience IN ('public', 'internal')),
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
  publish_from  timestamptz,
  publish_until timestamptz,
  published_at  timestamptz,
  withdrawn_at  timestamptz,
  created_by    bigint,
  updated_by    bigint,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (publish_until IS NULL OR publish_from IS NULL OR publish_until > publish_from)
);
CREATE INDEX notice_public_idx ON notice (city_code, published_at DESC, id DESC) WHERE status = 'published' AND audience = 'public';
