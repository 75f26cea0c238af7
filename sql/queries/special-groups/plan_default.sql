-- The plan follows the record's kind and risk level unless it was set by hand.
UPDATE special_visit_plan SET interval_days = :interval, set_at = now(), set_by = :user
WHERE special_group_id = :id AND source = 'default' AND interval_days <> :interval
