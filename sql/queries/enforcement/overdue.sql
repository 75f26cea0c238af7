-- 督办 view: rectifications overdue on the given day inside a jurisdiction (and an optional area), most
-- overdue first, with the number of supervision notices already issued and the latest one.
SELECT r.id, r.community_code, r.grid_code, r.object_type, r.object_id, r.object_name, r.outcome, r.checked_at,
       CAST(r.rectify_due AS text) AS rectify_due, CAST(:on AS date) - r.rectify_due AS overdue_days,
       (SELECT count(*) FROM enforcement_supervision s WHERE s.result_id = r.id) AS supervisions,
       (SELECT max(s.issued_at) FROM enforcement_supervision s WHERE s.result_id = r.id) AS last_supervised_at,
       count(*) OVER () AS total
FROM enforcement_result r
WHERE r.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:community AS text) IS NULL OR r.community_code LIKE CAST(:community AS text) || '%')
  AND r.rectify_due IS NOT NULL AND r.rectified_at IS NULL AND r.rectify_due < CAST(:on AS date)
ORDER BY r.rectify_due, r.id
LIMIT :limit
