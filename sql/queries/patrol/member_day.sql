-- One member's tasks and checkpoint / grid visits of a day.
SELECT count(*)::int AS tasks,
       count(*) FILTER (WHERE k.status = 'done')::int AS done,
       (SELECT count(DISTINCT v.checkpoint_id) FROM patrol_visit v JOIN patrol_task k2 ON k2.id = v.task_id
         WHERE k2.member_id = :memberId AND k2.day = CAST(:day AS date) AND v.target_kind = 'checkpoint')::int AS checkpoints,
       (SELECT count(*) FROM patrol_visit v JOIN patrol_task k2 ON k2.id = v.task_id
         WHERE k2.member_id = :memberId AND k2.day = CAST(:day AS date))::int AS visits
FROM patrol_task k
WHERE k.member_id = :memberId AND k.day = CAST(:day AS date)
