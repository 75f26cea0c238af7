-- Cameras (issue 19 item 1): the register of the city's video cameras with where they look, and
-- the video patrol rounds whose findings become events.
--
-- A camera's place decides who sees it: community_code (the community holding its point) is
-- filtered by prefix like every admin-located row. The field of view is a polygon on the ground
-- (what the camera sees at its usual preset), so "which cameras see this spot" is a covers test
-- on an indexed polygon, not a guess from direction and angle.
CREATE TABLE camera (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind                text NOT NULL DEFAULT 'public_security'
                        CHECK (kind IN ('public_security', 'city_management', 'traffic', 'community', 'other')),
  owner               text NOT NULL CHECK (length(owner) BETWEEN 1 AND 100),
  -- GB/T 28181 codes: 20 digits each (centre, industry, type, serial)
  gb_device_id        varchar(20) NOT NULL CHECK (gb_device_id ~ '^[0-9]{20}$'),
  gb_channel_id       varchar(20) NOT NULL CHECK (gb_channel_id ~ '^[0-9]{20}$'),
  -- a direct live-stream URL with {deviceId}/{channelId} placeholders, for cameras not behind the platform
  stream_url_template text CHECK (stream_url_template IS NULL OR length(stream_url_template) <= 500),
  -- degrees clockwise from north the lens points to
  direction           real CHECK (direction IS NULL OR (direction >= 0 AND direction < 360)),
  geom                geometry(Point, 4490) NOT NULL,
  fov                 geometry(Polygon, 4490) NOT NULL CHECK (ST_IsValid(fov)),
  community_code      varchar(12) NOT NULL REFERENCES admin_division (code),
  city_code           varchar(6) NOT NULL,
  created_by          bigint REFERENCES app_user (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (gb_device_id, gb_channel_id)
);
CREATE INDEX camera_fov_idx ON camera USING gist (fov);
CREATE INDEX camera_geom_idx ON camera USING gist (geom);
CREATE INDEX camera_community_idx ON camera (community_code text_pattern_ops);
