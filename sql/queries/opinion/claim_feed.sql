-- Claims the active feed read longest ago that is due (not read for the loop's period): moving its
-- last_pulled_at to now is the claim, SKIP LOCKED keeps two instances off the same feed.
UPDATE opinion_feed SET last_pulled_at = now()
WHERE id = (SELECT id FROM opinion_feed
            WHERE active AND (last_pulled_at IS NULL OR last_pulled_at < now() - make_interval(secs => :seconds::float8))
            ORDER BY last_pulled_at NULLS FIRST, id
            LIMIT 1 FOR UPDATE SKIP LOCKED)
RETURNING id, city_code, name, url
