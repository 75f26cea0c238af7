-- Search (the command screen's search box, server/search/): the indexes its sources need.
--
-- Decisions
-- * No pg_trgm: the embedded engine loads PostGIS only (pg_trgm is not enabled there, see
--   0005_addresses.sql), and SQL must run on both. Name matching (grids, divisions, members)
--   is a prefix or substring test on per-city tables of at most tens of thousands of rows.
-- * Event numbers are 'E' + yyyymmdd + sequence: a prefix fixes a date range, so prefix search
--   walks event_created_idx inside that range; no index needed. A suffix ("…0364", the day's
--   sequence as people read it out) cannot: it probes this index of the reversed number.
--   text_pattern_ops so LIKE 'x%' uses it whatever the database collation (C.UTF-8 is not "C").
-- * Grid codes: the current grids' code with text_pattern_ops, for code prefixes (a community's
--   12 digits list its grids).
-- * Members are matched by substring of name or phone digits over the city's members (a few
--   thousand rows): no index would serve a substring test without pg_trgm.
CREATE INDEX event_number_reverse_idx ON event (reverse(number) text_pattern_ops);
CREATE INDEX grid_current_code_pattern_idx ON grid (code text_pattern_ops) WHERE valid_to IS NULL;
