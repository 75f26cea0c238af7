-- Pins an event as an exemplary case (重点公示). At most one case per event is on show
-- (exemplary_case_on_show_idx): a second pinning inserts nothing and the caller answers 409.
INSERT INTO exemplary_case (city_code, event_id, event_created_at, event_number, community_code, title, summary, reason, tags, pinned_by, pinned_at)
VALUES (:city, :eventId, :eventCreatedAt, :number, :community, :title, :summary, :reason, CAST(:tags AS text[]), :user, :now)
ON CONFLICT (event_id) WHERE unpinned_at IS NULL DO NOTHING
RETURNING id
