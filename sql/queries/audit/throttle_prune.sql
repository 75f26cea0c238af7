-- Login throttle rows (migration 0030) whose window began more than a day ago and whose lockout,
-- if any, has run out: they count nothing any more (the windows are minutes, lockouts hours).
DELETE FROM login_throttle
WHERE window_start < :before AND (locked_until IS NULL OR locked_until < :now)
