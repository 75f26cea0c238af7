// The flagging rule of monthly usage (水煤气用量): a month is compared with the mean of the three
// months before it (all three present: a household new to the import is not judged on less).
// - drop: a lone elderly resident's household (one current resident, aged 60 or more on the
//   month's first day) uses at most 30 % of that mean: the person may be ill, away or worse;
// - spike: any household uses at least 3 times that mean (a leak, a burst pipe, a gas fault, or
//   a flat let out as a group rental).
// A mean of 0 judges nothing (a house standing empty). The figures are defaults of local
// practice, not law: constants here, named in the README part.
export const RULE = { months: 3, dropRatio: 0.3, spikeRatio: 3, elderlyAge: 60 } as const

export type FlagKind = 'drop' | 'spike'

/** The flag of a month, given the amounts of the RULE.months months before it (oldest first, null when missing). */
export function flagOf(amount: number, previous: readonly (number | null)[], loneElderly: boolean): { kind: FlagKind; baseline: number } | null {
  if (previous.length < RULE.months || previous.some((v) => v === null)) return null
  const baseline = (previous as number[]).reduce((s, v) => s + v, 0) / previous.length
  if (!(baseline > 0)) return null
  if (amount >= RULE.spikeRatio * baseline) return { kind: 'spike', baseline }
  if (loneElderly && amount <= RULE.dropRatio * baseline) return { kind: 'drop', baseline }
  return null
}
