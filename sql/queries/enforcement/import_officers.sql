-- Import of enforcement officers (the register engine's import): upsert by certificate number, the
-- community copied from the team; answers whether each row was inserted. Teams are checked by the
-- caller first (visible, inside the jurisdiction).
INSERT INTO enforcement_officer (city_code, community_code, team_id, name, certificate_no, phone, active)
SELECT t.city_code, t.community_code, t.id, o.name, o.certificate_no, o.phone, COALESCE(o.active, true)
FROM json_to_recordset(CAST(:rows AS json)) AS o(team_id bigint, name text, certificate_no text, phone text, active boolean)
JOIN enforcement_team t ON t.id = o.team_id
ON CONFLICT (certificate_no) DO UPDATE
  SET team_id = EXCLUDED.team_id, community_code = EXCLUDED.community_code, name = EXCLUDED.name, phone = EXCLUDED.phone,
      active = EXCLUDED.active, version = enforcement_officer.version + 1, updated_at = now()
RETURNING (xmax = 0) AS inserted
