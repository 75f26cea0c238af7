-- 绩效: per team inside a jurisdiction, the checks its officers were drawn for in [from, to) and
-- their results: outcomes, rectifications asked, done on time (by the due date, China time), and
-- overdue on the given day.
WITH team_checks AS (
  SELECT DISTINCT o.team_id, c.id AS check_id
  FROM enforcement_check c
  JOIN enforcement_check_officer co ON co.check_id = c.id
  JOIN enforcement_officer o ON o.id = co.officer_id
  WHERE c.drawn_at >= CAST(:from AS timestamptz) AND c.drawn_at < CAST(:to AS timestamptz)
)
SELECT t.id, t.name, t.domain, t.community_code,
       count(tc.check_id) AS checks,
       count(r.id) AS results,
       count(r.id) FILTER (WHERE r.outcome = 'pass') AS pass,
       count(r.id) FILTER (WHERE r.outcome = 'rectify') AS rectify,
       count(r.id) FILTER (WHERE r.outcome = 'penalty') AS penalty,
       count(r.id) FILTER (WHERE r.outcome = 'absent') AS absent,
       count(r.id) FILTER (WHERE r.outcome = 'closed') AS closed,
       count(r.id) FILTER (WHERE r.rectify_due IS NOT NULL) AS rectifications,
       count(r.id) FILTER (WHERE r.rectified_at IS NOT NULL
                            AND CAST(r.rectified_at AT TIME ZONE 'Asia/Shanghai' AS date) <= r.rectify_due) AS on_time,
       count(r.id) FILTER (WHERE r.rectify_due IS NOT NULL AND r.rectified_at IS NULL AND r.rectify_due < CAST(:on AS date)) AS overdue
FROM enforcement_team t
LEFT JOIN team_checks tc ON tc.team_id = t.id
LEFT JOIN enforcement_result r ON r.check_id = tc.check_id
WHERE t.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:community AS text) IS NULL OR t.community_code LIKE CAST(:community AS text) || '%')
GROUP BY t.id, t.name, t.domain, t.community_code
ORDER BY t.id
