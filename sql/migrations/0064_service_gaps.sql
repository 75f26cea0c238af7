-- Service gaps (一年一体检, issue 20 item 3): the everyday services whose walking reach the yearly
-- check measures become kinds of the places register, next to the key places it already holds:
-- convenience stores (便利店), car parks (停车场), elderly care (养老服务) and clinics (社区卫生服务站 /
-- 诊所). Hospitals stay `hospital`. The CHECK is rebuilt from the kinds it allows today, so a
-- migration of another branch that added kinds keeps them.
DO $$
DECLARE
  kinds text[];
  con text;
BEGIN
  SELECT c.conname, ARRAY(SELECT DISTINCT m[1] FROM regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m)
    INTO con, kinds
  FROM pg_constraint c
  WHERE c.conrelid = 'place'::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%kind%'
    AND pg_get_constraintdef(c.oid) NOT LIKE '%surroundings%';
  EXECUTE format('ALTER TABLE place DROP CONSTRAINT %I', con);
  kinds := ARRAY(SELECT DISTINCT k FROM unnest(kinds || ARRAY['convenience_store', 'parking', 'elderly_care', 'clinic']) AS k ORDER BY k);
  EXECUTE format('ALTER TABLE place ADD CONSTRAINT place_kind_check CHECK (kind = ANY (%L::text[]))', kinds);
END $$;
