// When to try a failed message again: exponential back-off with jitter, capped.
//
// The n-th failure waits between half and all of min(cap, base · 2^(n-1)) ("equal jitter"):
// the wait still grows with every failure, and many messages that failed together (a platform
// outage) do not all come back in the same second. A Retry-After from the platform is honoured
// when longer, but never beyond the cap (a platform cannot park our queue for a day).

export interface BackoffPolicy {
  /** first wait, ms (default 5 s) */
  baseMs: number
  /** longest wait, ms (default 30 min) */
  capMs: number
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5_000, capMs: 30 * 60_000 }

/** The wait after failed attempt number `attempt` (1-based); random() in [0, 1). */
export function backoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random, retryAfterMs: number | null = null): number {
  const n = Math.max(1, Math.min(attempt, 60))
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1))
  const jittered = ceiling / 2 + random() * (ceiling / 2)
  const wait = retryAfterMs !== null ? Math.max(jittered, Math.min(retryAfterMs, policy.capMs)) : jittered
  return Math.round(wait)
}
