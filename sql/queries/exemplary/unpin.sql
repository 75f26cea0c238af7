-- Withdraws a case on show (inside the caller's jurisdiction). The row stays: unpinned_at, by
-- whom and why are stamped (the table's trigger allows nothing else). No row: missing, outside
-- the jurisdiction, or already withdrawn (the caller tells which).
UPDATE exemplary_case
SET unpinned_at = :now, unpinned_by = :user, unpin_reason = :reason
WHERE id = :id AND unpinned_at IS NULL AND community_code LIKE ANY (CAST(:patterns AS text[]))
RETURNING id
