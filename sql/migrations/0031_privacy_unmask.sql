-- Unmasking personal fields (个人信息脱敏还原): every explicit unmask of one record, with who,
-- when, which record, which fields, the reason and the request id. Append-only: the access
-- audit (issue 13 item 3) generalises it into the partitioned access log.
CREATE TABLE privacy_unmask (
  id            bigserial PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  user_id       bigint,
  username      text NOT NULL,
  role          text NOT NULL,
  principal_kind text NOT NULL,
  record_kind   text NOT NULL CHECK (record_kind IN ('event')),
  record_id     bigint NOT NULL,
  record_number text NOT NULL,
  community_code varchar(12) NOT NULL,
  fields        text[] NOT NULL,
  reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 4 AND 500),
  request_id    text NOT NULL DEFAULT ''
);
CREATE INDEX privacy_unmask_record_idx ON privacy_unmask (record_kind, record_number, at);
CREATE INDEX privacy_unmask_user_idx ON privacy_unmask (user_id, at);

CREATE FUNCTION privacy_unmask_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'privacy_unmask is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER privacy_unmask_no_change BEFORE UPDATE OR DELETE ON privacy_unmask
  FOR EACH ROW EXECUTE FUNCTION privacy_unmask_append_only();
CREATE TRIGGER privacy_unmask_no_truncate BEFORE TRUNCATE ON privacy_unmask
  FOR EACH STATEMENT EXECUTE FUNCTION privacy_unmask_append_only();
