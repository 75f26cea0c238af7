-- The workflow steps of an event as a resident sees them: the action and its time only (no
-- actor, no comment, no notes), plus the evaluation's and the appeal's own words (the
-- resident's). Binding: eventId.
SELECT h.seq, h.action, h.at, CASE WHEN h.action IN ('evaluate', 'appeal') THEN h.comment END AS own_words, h.explanation
FROM event_history h
WHERE h.event_id = :eventId
  AND h.action IN ('report', 'accept', 'reject', 'dispatch', 'redispatch', 'sign', 'handle', 'verify', 'rework', 'close', 'evaluate', 'appeal', 'void')
ORDER BY h.seq
