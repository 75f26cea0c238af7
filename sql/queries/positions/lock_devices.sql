-- Locks the devices of a batch (in id order, so concurrent batches of two instances never
-- deadlock) and reads what ingest needs to judge their fixes: the device, the community whose
-- staff see it, the live position, the fence states and the city's fence revision.
-- Nothing here touches the partitioned event table: planning over its month partitions cost
-- ten times the query (arrivals are found by their own pass, server/positions/arrival.ts).
-- The device row lock serialises one device's batches across API instances: the live position
-- and fence states a batch reads are the ones it will overwrite.
WITH locked AS (
  SELECT d.id FROM device d
  WHERE d.identifier = ANY (CAST(:identifiers AS text[]))
  ORDER BY d.id
  FOR NO KEY UPDATE
)
SELECT d.id, d.identifier, d.city_code, d.kind, d.member_id, d.disabled, d.osmand_requires_token, d.token_prefix, d.token_hash,
       m.user_id AS member_user_id,
       COALESCE(m.community_code, d.admin_code) AS community,
       (extract(epoch FROM l.fixed_at) * 1000)::float8 AS live_t,
       ST_X(l.geom) AS live_lon, ST_Y(l.geom) AS live_lat, l.accuracy AS live_accuracy,
       ST_X(l.still_geom) AS still_lon, ST_Y(l.still_geom) AS still_lat,
       (extract(epoch FROM l.still_since) * 1000)::float8 AS still_t,
       COALESCE(r.revision, 0) AS fence_revision,
       (SELECT json_agg(json_build_object('fenceId', s.fence_id, 'inside', s.inside,
                 'since', (extract(epoch FROM s.since) * 1000)::float8,
                 'lastFixAt', (extract(epoch FROM s.last_fix_at) * 1000)::float8,
                 'dwellAlerted', s.dwell_alerted, 'absentAlerted', s.absent_alerted))
          FROM fence_state s WHERE s.device_id = d.id) AS states
FROM locked k
JOIN device d ON d.id = k.id
LEFT JOIN grid_member m ON m.id = d.member_id
LEFT JOIN device_live l ON l.device_id = d.id
LEFT JOIN fence_revision r ON r.city_code = d.city_code
