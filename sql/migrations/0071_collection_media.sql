-- The photos of collection returns (issue 19 item 4): an ODK image answer names a file; its bytes
-- are uploaded after the return (PUT .../returns/{instanceId}/media/{fileName}) into the event
-- attachments' content-addressed store (DATA_DIR/attachments, server/events/attachments.ts), and
-- this row ties the return's file name to the stored hash. One file per name: the same bytes
-- again are a replay, other bytes under a stored name a conflict.
CREATE TABLE collection_media (
  return_id   bigint NOT NULL REFERENCES collection_return (id) ON DELETE CASCADE,
  file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  sha256      char(64) NOT NULL,
  media_type  text NOT NULL,
  size_bytes  bigint NOT NULL CHECK (size_bytes > 0),
  uploaded_by bigint REFERENCES app_user (id),
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (return_id, file_name)
);
CREATE INDEX collection_media_sha_idx ON collection_media (sha256);
