-- The devices of a city the clock-only pass looks at: enabled, and known to have reported (a
-- live position). A device that never reported is not "absent", it is not in use. Its
-- jurisdiction is its member's community, or its own area while nobody carries it (as ingest).
SELECT d.id, d.member_id, COALESCE(m.community_code, d.admin_code) AS community
FROM device d
JOIN device_live l ON l.device_id = d.id
LEFT JOIN grid_member m ON m.id = d.member_id
WHERE d.city_code = :city AND NOT d.disabled
ORDER BY d.id
