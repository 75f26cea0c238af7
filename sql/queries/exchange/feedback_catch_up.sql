-- The steps of a city's recent instructions not queued yet (the province platform was configured
-- or re-created after they happened); exchange_feedback_queue (migration 0072) queues each step
-- once, so steps already queued cost a lookup. Instructions older than the window are left alone.
SELECT exchange_feedback_queue(ARRAY(
  SELECT event_id FROM exchange_instruction
  WHERE city_code = :city AND event_id IS NOT NULL AND received_at > now() - make_interval(days => :days)
)) AS queued
