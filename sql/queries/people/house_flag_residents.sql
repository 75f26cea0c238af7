-- Houses demolished: everyone living in them now (current residence rows, any role) is flagged
-- house_demolished for follow-up; the residence rows stay open until the resident moves.
UPDATE resident r SET flag = 'house_demolished', flagged_at = now(), updated_at = now()
WHERE r.flag IS NULL AND r.moved_out_at IS NULL
  AND r.id IN (SELECT rr.resident_id FROM resident_residence rr WHERE rr.house_id = ANY(:ids::bigint[]) AND rr.valid_to IS NULL)
RETURNING r.id
