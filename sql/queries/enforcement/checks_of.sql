-- The checks of one spot check in draw order, with their drawn officers (in draw order) and the
-- result when one is recorded.
SELECT c.id, c.seq, c.object_type, c.object_id, c.object_name, c.community_code, c.grid_code,
       r.id AS result_id, r.outcome, r.checked_at, CAST(r.rectify_due AS text) AS rectify_due, r.rectified_at,
       COALESCE((SELECT json_agg(co.officer_id ORDER BY co.seq) FROM enforcement_check_officer co WHERE co.check_id = c.id), '[]') AS officer_ids
FROM enforcement_check c
LEFT JOIN enforcement_result r ON r.check_id = c.id
WHERE c.spot_check_id = :id
ORDER BY c.seq
