-- The attachment files the rows point at (content-addressed by SHA-256 under DATA_DIR/attachments).
SELECT DISTINCT sha256 FROM event_attachment ORDER BY 1
