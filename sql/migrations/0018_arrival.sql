-- Arrival (到场): when the member an event was dispatched to comes within arrival_radius_m of it
-- (or, with arrival_in_grid, into the event's base grid), the arrival pass appends an 'arrive'
-- history row. A city may require that row before 处置 (handle).
ALTER TABLE event_sla
  ADD COLUMN arrival_radius_m  integer NOT NULL DEFAULT 50 CHECK (arrival_radius_m BETWEEN 5 AND 5000),
  ADD COLUMN arrival_in_grid   boolean NOT NULL DEFAULT false,
  ADD COLUMN arrival_required  boolean NOT NULL DEFAULT false;

-- Events dispatched to a member: the arrival pass (the open ones) and a member-day's replay
-- (every one the member holds).
CREATE INDEX event_assignee_member_idx ON event (assignee_member_id) WHERE assignee_member_id IS NOT NULL;

-- What a member did (history rows written by the member's user): replay and the patrol's events
-- found; without it a member-day reads the whole history.
CREATE INDEX event_history_actor_idx ON event_history (actor_user_id, at) WHERE actor_user_id IS NOT NULL;
