-- Results inside a jurisdiction (by the object's community), ascending ids, with the spot check of
-- a drawn one and its supervision count. overdue: the rectification was due before the given day (a date)
-- and is not done. One by id when an id is given.
SELECT r.id, r.community_code, r.grid_code, r.check_id, c.spot_check_id, r.task_id, r.object_type, r.object_id, r.object_name,
       r.outcome, r.findings, r.checked_at, CAST(r.rectify_due AS text) AS rectify_due, r.rectified_at, r.rectify_note,
       r.penalty_yuan, r.version, r.created_at,
       (r.rectify_due IS NOT NULL AND r.rectified_at IS NULL AND r.rectify_due < CAST(:on AS date)) AS overdue,
       CASE WHEN r.rectify_due IS NOT NULL AND r.rectified_at IS NULL AND r.rectify_due < CAST(:on AS date)
            THEN CAST(:on AS date) - r.rectify_due END AS overdue_days,
       (SELECT count(*) FROM enforcement_supervision s WHERE s.result_id = r.id) AS supervisions
FROM enforcement_result r
LEFT JOIN enforcement_check c ON c.id = r.check_id
WHERE r.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR r.id = CAST(:id AS bigint))
  AND (CAST(:after AS bigint) IS NULL OR r.id > CAST(:after AS bigint))
  AND (CAST(:community AS text) IS NULL OR r.community_code LIKE CAST(:community AS text) || '%')
  AND (CAST(:grid AS text) IS NULL OR r.grid_code = CAST(:grid AS text))
  AND (CAST(:q AS text) IS NULL OR strpos(r.object_name, CAST(:q AS text)) > 0)
  AND (CAST(:outcome AS text) IS NULL OR r.outcome = CAST(:outcome AS text))
  AND (CAST(:overdueOnly AS boolean) IS NOT TRUE
       OR (r.rectify_due IS NOT NULL AND r.rectified_at IS NULL AND r.rectify_due < CAST(:on AS date)))
ORDER BY r.id
LIMIT :limit
