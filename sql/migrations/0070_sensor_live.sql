-- The sensors layer (issue 19, 物联感知 on the command screen): each Thing at its current
-- location with its latest reading and a state the clock keeps true, like inspector_live.
--   alarm:  an incident of a threshold or rate rule is open on one of its datastreams;
--   silent: a silence incident is open, it never sent a reading, or its latest reading is older
--           than the shortest active silence rule of its city and kind (24 hours without one), so a
--           dead device shows even where nobody wrote a silence rule;
--   normal: otherwise.
-- A Thing stands in one place at a time (sta_thing_location holds its current one); a location that
-- is not a point is drawn at a point on its surface.
CREATE VIEW sensor_live AS
SELECT t.id, t.name, t.kind, k.name AS kind_name, k.unit, t.admin_code AS community_code, t.city_code,
       ST_PointOnSurface(loc.geom)::geometry(Point, 4490) AS geom,
       latest.datastream_id, latest.last_time, latest.last_result,
       COALESCE(open.alarms, 0) AS open_alarms,
       CASE WHEN COALESCE(open.alarms, 0) > 0 THEN 'alarm'
            WHEN COALESCE(open.silences, 0) > 0 OR latest.last_time IS NULL
              OR latest.last_time < now() - make_interval(mins => COALESCE(quiet.minutes, 1440)) THEN 'silent'
            ELSE 'normal' END AS state
FROM sta_thing t
JOIN sensor_kind k ON k.code = t.kind
JOIN LATERAL (
  SELECT l.geom FROM sta_thing_location tl JOIN sta_location l ON l.id = tl.location_id
  WHERE tl.thing_id = t.id ORDER BY l.id DESC LIMIT 1
) loc ON true
LEFT JOIN LATERAL (
  SELECT d.id AS datastream_id, d.last_time, d.last_result FROM sta_datastream d
  WHERE d.thing_id = t.id ORDER BY d.last_time DESC NULLS LAST, d.id LIMIT 1
) latest ON true
LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE r.rule <> 'silence') AS alarms, count(*) FILTER (WHERE r.rule = 'silence') AS silences
  FROM sta_datastream d JOIN sensor_incident i ON i.datastream_id = d.id AND i.closed_at IS NULL
  JOIN sensor_rule r ON r.id = i.rule_id
  WHERE d.thing_id = t.id
) open ON true
LEFT JOIN LATERAL (
  SELECT min(r.silence_minutes) AS minutes FROM sensor_rule r
  WHERE r.city_code = t.city_code AND r.kind = t.kind AND r.active AND r.rule = 'silence'
) quiet ON true;

-- the incidents of a Thing's datastreams, open ones, read by the view per Thing
CREATE INDEX IF NOT EXISTS sensor_incident_stream_open_idx ON sensor_incident (datastream_id) WHERE closed_at IS NULL;
