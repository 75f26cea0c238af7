-- The data catalogue (政务信息资源目录, issue 20 item 6) and applications for access (资源申请).
-- The entries themselves come from the code (every map layer, every OpenAPI operation, every
-- registered dataset); a city's administrators edit their metadata, kept here per city and entry.
CREATE TABLE catalogue_entry_meta (
  city_code        varchar(6) NOT NULL,
  entry_id         text NOT NULL CHECK (entry_id ~ '^(layer|api|dataset):' AND length(entry_id) <= 300),
  owner            text CHECK (length(owner) BETWEEN 1 AND 100),
  update_frequency text CHECK (length(update_frequency) BETWEEN 1 AND 50),
  classification   text CHECK (classification IN ('public', 'internal', 'sensitive')),
  sharing          text CHECK (sharing IN ('unconditional', 'conditional', 'none')),
  description      text CHECK (length(description) <= 2000),
  updated_by       bigint REFERENCES app_user (id),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_code, entry_id)
);

-- An external system's application: 申请 (submitted) → 审核 → 授权 (approved, a key issued) or
-- 驳回 (rejected); an approved one can be revoked (its keys end at once).
CREATE TABLE catalogue_application (
  id             bigserial PRIMARY KEY,
  city_code      varchar(6) NOT NULL,
  applicant_id   bigint NOT NULL REFERENCES app_user (id),
  system_name    text NOT NULL CHECK (length(system_name) BETWEEN 1 AND 100),
  purpose        text NOT NULL CHECK (length(purpose) BETWEEN 4 AND 2000),
  resources      text[] NOT NULL CHECK (cardinality(resources) BETWEEN 1 AND 50),
  areas          varchar(12)[] NOT NULL CHECK (cardinality(areas) BETWEEN 1 AND 20),
  valid_days     integer NOT NULL CHECK (valid_days BETWEEN 1 AND 730),
  state          text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'approved', 'rejected', 'revoked')),
  submitted_at   timestamptz NOT NULL DEFAULT now(),
  reviewed_by    bigint REFERENCES app_user (id),
  reviewed_at    timestamptz,
  review_comment text CHECK (length(review_comment) <= 2000),
  revoked_by     bigint REFERENCES app_user (id),
  revoked_at     timestamptz,
  revoke_reason  text CHECK (length(revoke_reason) <= 2000),
  CHECK (state = 'submitted' OR reviewed_at IS NOT NULL),
  CHECK (state <> 'revoked' OR revoked_at IS NOT NULL)
);
CREATE INDEX catalogue_application_city_idx ON catalogue_application (city_code, id DESC);
CREATE INDEX catalogue_application_applicant_idx ON catalogue_application (applicant_id, id DESC);

-- A key issued for an application is limited to its resources: the operations it may call
-- (method and OpenAPI path template), the layers it may read and the areas it sees. NULL: a key
-- issued directly by the command centre, limited by its scopes only. Rotation copies all four.
ALTER TABLE api_key ADD COLUMN grant_paths text[];
ALTER TABLE api_key ADD COLUMN grant_layers text[];
ALTER TABLE api_key ADD COLUMN grant_areas varchar(12)[];
ALTER TABLE api_key ADD COLUMN application_id bigint REFERENCES catalogue_application (id);
ALTER TABLE api_key ADD CONSTRAINT api_key_grant_whole CHECK (
  (grant_paths IS NULL) = (grant_layers IS NULL) AND (grant_paths IS NULL) = (grant_areas IS NULL));
CREATE INDEX api_key_application_idx ON api_key (application_id) WHERE application_id IS NOT NULL;

-- Which key made a request: every request of an application's key is recorded (server/audit/),
-- and the application's use is read back by key.
ALTER TABLE access_audit ADD COLUMN api_key_id bigint;
CREATE INDEX access_audit_api_key_idx ON access_audit (api_key_id, at DESC) WHERE api_key_id IS NOT NULL;
