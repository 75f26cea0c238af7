-- An edit of a special-group record at the version the caller read, inside the caller's
-- jurisdiction: the given fields (NULL in a flag: unchanged), the place re-read from the resident,
-- the version bumped. No row: stale version, or not there.
UPDATE special_group g SET
  risk_level = COALESCE(CAST(:risk AS text), g.risk_level),
  responsible_member_id = CASE WHEN CAST(:setMember AS boolean) THEN CAST(:member AS bigint) ELSE g.responsible_member_id END,
  guardian_name = CASE WHEN CAST(:setGuardianName AS boolean) THEN CAST(:guardianName AS text) ELSE g.guardian_name END,
  guardian_phone = CASE WHEN CAST(:setGuardianPhone AS boolean) THEN CAST(:guardianPhone AS text) ELSE g.guardian_phone END,
  since = COALESCE(CAST(:since AS date), g.since),
  until = CASE WHEN CAST(:setUntil AS boolean) THEN CAST(:until AS date) ELSE g.until END,
  note = CASE WHEN CAST(:setNote AS boolean) THEN CAST(:note AS text) ELSE g.note END,
  verified_at = CASE WHEN CAST(:verified AS boolean) THEN now() ELSE g.verified_at END,
  community_code = r.community_code, grid_code = r.grid_code, geom = r.geom, city_code = r.city_code,
  version = g.version + 1, updated_at = now()
FROM resident r
WHERE g.id = :id AND g.version = :version AND r.id = g.resident_id
  AND g.community_code LIKE ANY (CAST(:patterns AS text[]))
RETURNING g.id, g.community_code, g.kind, g.risk_level
