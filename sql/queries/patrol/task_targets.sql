-- What each task must visit: its template's checkpoints or grids, and visits required of each.
SELECT k.id AS task_id, k.status, k.visits_counted, k.member_id, k.community_code, tp.required_visits, tp.target_kind,
       CASE WHEN tp.target_kind = 'grid' THEN tp.grid_codes
            ELSE ARRAY(SELECT c.id::text FROM patrol_checkpoint c WHERE c.template_id = tp.id ORDER BY c.seq) END AS targets,
       (SELECT count(*) FROM patrol_visit v WHERE v.task_id = k.id)::int AS visit_count
FROM patrol_task k JOIN patrol_template tp ON tp.id = k.template_id
WHERE k.id = ANY(CAST(:taskIds AS bigint[]))
ORDER BY k.id
FOR UPDATE OF k
