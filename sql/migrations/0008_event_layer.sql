-- The status light of an event in SQL, for the map layers (tiles, WMS, WFS) that style
-- events by it. It mirrors statusLight() in server/events/deadlines.ts (a test holds the two
-- equal): the deadline that runs is the sign deadline while dispatched and the handling deadline
-- while signed or handling; red past it, yellow once 80 % of the time allowed has gone, and no
-- light ('none') in other statuses.
CREATE FUNCTION event_status_light(status text, dispatched_at timestamptz, sign_due_at timestamptz,
                                   handle_due_at timestamptz, at timestamptz)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN due IS NULL OR dispatched_at IS NULL THEN 'none'
    WHEN at > due THEN 'red'
    WHEN at - dispatched_at >= 0.8 * (due - dispatched_at) THEN 'yellow'
    ELSE 'green'
  END
  FROM (SELECT CASE WHEN status = 'dispatched' THEN sign_due_at
                    WHEN status IN ('signed', 'handling') THEN handle_due_at END AS due) d
$$;
