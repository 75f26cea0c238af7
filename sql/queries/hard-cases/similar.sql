-- Candidates similar to a bounced order: events of the same class in the same street within a
-- window around it (the text is compared in Node: events/similarity.ts), not the order itself.
SELECT e.number, e.status, e.description, e.community_code, e.created_at
FROM event e
WHERE e.class_code = :classCode
  AND e.street_code = :streetCode
  AND e.created_at BETWEEN :from AND :to
  AND e.id <> :eventId
  AND e.community_code LIKE ANY(:patterns::text[])
ORDER BY e.created_at DESC
LIMIT 200
