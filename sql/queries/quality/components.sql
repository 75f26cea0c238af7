-- The parts of the quality score of events: the latest review of each source and the
-- resident's evaluation. Either one event (by id) or every event created in [from, to) of a
-- city, with the assessment's unit keys (as indicators() keys them).
SELECT e.id, e.city_code, e.created_at, e.closed_at, e.satisfaction,
       substr(e.community_code, 1, 6) || '000000' AS district_key,
       substr(e.community_code, 1, 9) || '000' AS street_key,
       e.community_code AS community_key,
       e.assignee_department_id::text AS department_key,
       (SELECT r.score FROM event_quality_review r WHERE r.event_id = e.id AND r.source = 'department' ORDER BY r.id DESC LIMIT 1) AS department,
       (SELECT r.score FROM event_quality_review r WHERE r.event_id = e.id AND r.source = 'centre' ORDER BY r.id DESC LIMIT 1) AS centre,
       (SELECT r.score FROM event_quality_review r WHERE r.event_id = e.id AND r.source = 'follow_up' ORDER BY r.id DESC LIMIT 1) AS follow_up
  FROM event e
 WHERE (CAST(:eventId AS bigint) IS NOT NULL AND e.id = CAST(:eventId AS bigint))
    OR (CAST(:eventId AS bigint) IS NULL AND e.city_code = :city AND e.created_at >= :from AND e.created_at < :to
        AND (e.satisfaction IS NOT NULL OR EXISTS (SELECT 1 FROM event_quality_review r WHERE r.event_id = e.id)))
