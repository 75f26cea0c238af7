-- A successful sign-in clears its account's failures (the address keeps its count: one known
-- password must not buy an address fresh guesses at other accounts). Binding: account.
DELETE FROM login_throttle WHERE scope = 'account' AND key_hash = :account
