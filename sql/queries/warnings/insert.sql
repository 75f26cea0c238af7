-- Stores the warnings a pass proposes; the same warning proposed twice (a second pass, another
-- instance) meets the unique (city_code, kind, dedupe_key) and is skipped. RETURNING answers only
-- the rows this statement stored, so only its caller streams them.
INSERT INTO warning AS w (city_code, kind, rule_version, level, title, detail, area_code, geom, event_ids, dedupe_key, subject, raised_at)
SELECT :city, r.kind, r.rule_version, r.level, r.title, r.detail, r.area, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490),
       CAST(r.event_ids AS bigint[]), r.dedupe_key, r.subject, :now
FROM json_to_recordset(CAST(:rows AS json)) AS r(kind text, rule_version integer, level smallint, title text, detail jsonb, area text,
     lon float8, lat float8, event_ids text, dedupe_key text, subject text)
ON CONFLICT (city_code, kind, dedupe_key) DO NOTHING
RETURNING w.id, w.kind, w.level, w.title, w.area_code, ST_X(w.geom) AS lon, ST_Y(w.geom) AS lat, w.raised_at
