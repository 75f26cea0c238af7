-- One event for the residents' page, by its number (the number's Shanghai day bounds created_at,
-- so one partition is searched). Bindings: number, dayStart, dayEnd.
SELECT e.id, e.number, e.status, e.description, e.created_at, e.source_position, e.city_code, e.community_code,
  e.reporter_phone, e.satisfaction, e.channel
FROM event e
WHERE e.number = :number AND e.created_at >= :dayStart AND e.created_at < :dayEnd
