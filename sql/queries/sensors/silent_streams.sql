-- Datastreams that have gone quiet under an active silence rule of their kind and city (their
-- latest reading older than the rule's minutes) and have no open incident of that rule yet.
-- A datastream that never reported is not silent: it has not started.
SELECT r.id AS rule_id, d.id AS datastream_id, d.admin_code, d.last_time
FROM sensor_rule r
JOIN sta_thing t ON t.kind = r.kind AND t.city_code = r.city_code
JOIN sta_datastream d ON d.thing_id = t.id
WHERE r.active AND r.rule = 'silence'
  AND d.last_time IS NOT NULL AND d.last_time < now() - make_interval(mins => r.silence_minutes)
  AND NOT EXISTS (SELECT 1 FROM sensor_incident i WHERE i.rule_id = r.id AND i.datastream_id = d.id AND i.closed_at IS NULL)
LIMIT 500
