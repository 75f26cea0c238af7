-- The operators' corrections, newest first; one per event (the last word on it counts).
SELECT DISTINCT ON (event_id, event_created_at) chosen_class AS class_code, description
FROM classify_correction
ORDER BY event_id, event_created_at, created_at DESC, id DESC
LIMIT :max::int
