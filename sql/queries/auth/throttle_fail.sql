-- Counts one failed sign-in for a key: a new window when the last one has passed, and a lock
-- of lock_seconds once the window holds max_failures. Atomic per row, so concurrent failures on
-- several instances all count. Bindings: scope, key, window_seconds, max_failures, lock_seconds.
INSERT INTO login_throttle AS t (scope, key_hash, failures, window_start, locked_until)
VALUES (:scope, :key, 1, now(), CASE WHEN 1 >= CAST(:max_failures AS integer) THEN now() + CAST(:lock_seconds AS integer) * interval '1 second' END)
ON CONFLICT (scope, key_hash) DO UPDATE SET
  failures = CASE WHEN t.window_start > now() - CAST(:window_seconds AS integer) * interval '1 second' THEN t.failures + 1 ELSE 1 END,
  window_start = CASE WHEN t.window_start > now() - CAST(:window_seconds AS integer) * interval '1 second' THEN t.window_start ELSE now() END,
  locked_until = CASE
    WHEN (CASE WHEN t.window_start > now() - CAST(:window_seconds AS integer) * interval '1 second' THEN t.failures + 1 ELSE 1 END) >= CAST(:max_failures AS integer)
      THEN now() + CAST(:lock_seconds AS integer) * interval '1 second'
    ELSE t.locked_until END
