-- Event descriptions the classifier learns from: the newest perClass of each small class, of
-- events that kept their class (voided duplicates and rejected reports say nothing about it),
-- and not those still waiting for an operator to confirm the classifier's own guess (the model
-- would learn its mistakes). One index range per class (event_class_time_idx) rather than a
-- window over the whole event table, which a city's years of events would make a full sort.
SELECT c.code AS class_code, e.description
FROM event_class c
CROSS JOIN LATERAL (
  SELECT ev.description
  FROM event ev
  WHERE ev.class_code = c.code
    AND ev.status NOT IN ('voided', 'rejected')
    AND NOT (ev.status = 'reported' AND EXISTS (
      SELECT 1 FROM event_classification k
      WHERE k.event_id = ev.id AND k.event_created_at = ev.created_at AND NOT k.applied))
  ORDER BY ev.created_at DESC
  LIMIT :perClass::int
) e
WHERE length(c.code) = 4
