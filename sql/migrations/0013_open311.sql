-- Open311 GeoReport v2 (/open311/v2): what a POSTed service request carries beyond the event
-- itself. The event is created by the ordinary intake (server/events/intake.ts); this table keeps
-- only the Open311 side of it:
-- * token: the GeoReport "token" (GET tokens/{token}) — random, or derived from the caller and
--   its Idempotency-Key so that a retried POST answers the same token;
-- * media_url and address_id, which GET requests returns and the event has no column for;
-- * attributes as submitted (attribute[code]=value) and the submitter's contact fields (email,
--   device_id, account_id, names): personal data, never returned by the public Open311 reads.
-- event_id without a foreign key, like the other tables referring to the partitioned event
-- table; event_created_at is kept so the event row is addressed by (id, created_at).
CREATE TABLE open311_request (
  token             text PRIMARY KEY CHECK (token ~ '^[A-Za-z0-9_-]{16,64}$'),
  event_id          bigint NOT NULL UNIQUE,
  event_created_at  timestamptz NOT NULL,
  event_number      text NOT NULL,
  city_code         varchar(6) NOT NULL,
  -- who submitted it: '<principal kind>:<user id>', the same client string as event_idempotency
  client            text NOT NULL,
  media_url         text CHECK (length(media_url) <= 2000),
  address_id        text CHECK (address_id ~ '^[0-9]{1,18}$'),
  attributes        jsonb NOT NULL DEFAULT '{}',
  contact           jsonb NOT NULL DEFAULT '{}',
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_request_number_idx ON open311_request (event_number);
