-- One explicit unmask of a record's personal fields (privacy/unmask.ts); the table refuses
-- updates and deletes (migration 0031).
INSERT INTO privacy_unmask (user_id, username, role, principal_kind, record_kind, record_id, record_number,
  community_code, fields, reason, request_id)
VALUES (:userId, :username, :role, :kind, 'event', :recordId, :recordNumber, :communityCode,
  :fields::text[], :reason, :requestId)
RETURNING id, at
