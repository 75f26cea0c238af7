-- 调派指令 (resource orders, issue 12 item 6): a dispatcher sends a resource (a member's device or
-- a vehicle) to a point (with an arrival radius) or into a grid, optionally for an event, and
-- watches it go there. States: sent -> en_route (the first fix after sending that is closer than
-- at sending) -> arrived (the first fix inside the target) | cancelled | expired (the deadline
-- passed first). The order pass (server/orders/pass.ts, in the field loop) moves them on from the
-- positions; cancelling is a request.
--
-- Layout decisions
-- * One row per order; the track is never copied: it is the device's positions from sent_at on
--   (the position primary key covers that range read).
-- * community_code is the resource's community when sent (its member's, else the device's area):
--   the jurisdiction of the order and of its stream messages.
-- * A device has at most one open order (a partial unique index): two dispatchers sending the
--   same car at once get one order and one refusal, whichever API instance they reach.
-- * event_number, not a foreign key: events are partitioned by month.
CREATE TABLE resource_order (
  id                bigserial PRIMARY KEY,
  city_code         varchar(6) NOT NULL,
  community_code    varchar(12) NOT NULL,
  device_id         bigint NOT NULL REFERENCES device (id) ON DELETE CASCADE,
  member_id         bigint REFERENCES grid_member (id),
  target_kind       text NOT NULL CHECK (target_kind IN ('point', 'grid')),
  -- the point sent to; for a grid, a point inside it (the end of the line drawn on the map)
  target_geom       geometry(Point, 4490) NOT NULL,
  radius_m          integer CHECK (radius_m BETWEEN 5 AND 5000),
  grid_code         varchar(20),
  event_number      text CHECK (event_number ~ '^E[0-9]{12,}$'),
  note              text CHECK (length(note) <= 500),
  status            text NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'en_route', 'arrived', 'cancelled', 'expired')),
  sent_at           timestamptz NOT NULL DEFAULT now(),
  sent_by           bigint REFERENCES app_user (id),
  sent_by_name      text,
  deadline          timestamptz NOT NULL,
  -- geodesic metres from the live position to the target when sent (NULL: no live position then;
  -- the first fix after sending sets it)
  start_distance_m  double precision,
  en_route_at       timestamptz,
  arrived_at        timestamptz,
  -- the arriving fix: {lon, lat, accuracy, distanceM}
  arrival           jsonb,
  closed_at         timestamptz,
  closed_by         bigint REFERENCES app_user (id),
  cancel_reason     text CHECK (length(cancel_reason) <= 500),
  CHECK ((target_kind = 'point') = (radius_m IS NOT NULL)),
  CHECK ((target_kind = 'grid') = (grid_code IS NOT NULL)),
  CHECK (deadline > sent_at)
);
CREATE UNIQUE INDEX resource_order_open_device_idx ON resource_order (device_id) WHERE status IN ('sent', 'en_route');
CREATE INDEX resource_order_open_idx ON resource_order (id) WHERE status IN ('sent', 'en_route');
CREATE INDEX resource_order_community_idx ON resource_order (community_code text_pattern_ops, id);
CREATE INDEX resource_order_event_idx ON resource_order (event_number) WHERE event_number IS NOT NULL;

-- The order pass's watermark (device_live.received_at looked at): the row lock serialises passes
-- of several instances.
CREATE TABLE resource_order_watermark (
  name          text PRIMARY KEY,
  processed_to  timestamptz NOT NULL
);
