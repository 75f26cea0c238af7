-- A plan set by hand (source manual), or back to the default of the kind and risk level.
UPDATE special_visit_plan SET interval_days = :interval, source = :source, reason = :reason, set_by = :user, set_at = now()
WHERE special_group_id = :id
RETURNING interval_days, source, reason, set_at
