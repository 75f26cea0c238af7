// Jurisdiction: the admin areas a principal may see. Admin codes are hierarchical, so an
// area is a code prefix (city 4 digits, district 6, street 9, community 12) and a row is
// visible when its 12-digit community_code starts with one of the principal's prefixes.
// Every read of admin-located rows takes a Jurisdiction: the type system makes forgetting it
// a compile error, and the predicate is written here once for REST, tiles, WMS, WFS and SSE.
import type { Knex } from 'knex'

const ADMIN_CODE = /^[0-9]{12}$/

/** The prefix that a 12-digit admin code stands for, by the statistical code's levels. */
export function adminPrefix(code: string): string {
  if (!ADMIN_CODE.test(code)) throw new Error(`not a 12-digit admin code: ${code}`)
  if (code.slice(4) === '00000000') return code.slice(0, 4)
  if (code.slice(6) === '000000') return code.slice(0, 6)
  if (code.slice(9) === '000') return code.slice(0, 9)
  return code
}

export class Jurisdiction {
  private constructor(readonly prefixes: readonly string[]) {}

  /** The union of the given admin areas (redundant nested areas are dropped). */
  static of(adminCodes: readonly string[]): Jurisdiction {
    const prefixes = [...new Set(adminCodes.map(adminPrefix))].sort()
    const minimal = prefixes.filter((p) => !prefixes.some((q) => q !== p && p.startsWith(q)))
    return new Jurisdiction(minimal)
  }

  /** Sees nothing (anonymous and public callers). */
  static none(): Jurisdiction {
    return new Jurisdiction([])
  }

  get isEmpty(): boolean {
    return this.prefixes.length === 0
  }

  /** Whether an admin code (any level) lies inside this jurisdiction. */
  covers(adminCode: string): boolean {
    return this.prefixes.some((p) => adminCode.startsWith(p))
  }

  /**
   * Whether an admin area (a 12-digit code of any level) shares ground with this jurisdiction: it
   * lies inside it, or contains part of it (a street user asking about the city sees its street).
   */
  overlaps(adminCode: string): boolean {
    const prefix = adminPrefix(adminCode)
    return this.covers(prefix) || this.prefixes.some((p) => p.startsWith(prefix))
  }

  /** LIKE patterns for binding as a text[] parameter: `col LIKE ANY(?)`. */
  get patterns(): string[] {
    return this.prefixes.map((p) => `${p}%`)
  }

  /** Restricts a query to rows whose admin code column lies inside the jurisdiction. */
  apply<T extends Knex.QueryBuilder>(qb: T, column: string): T {
    if (this.isEmpty) return qb.whereRaw('false') as T
    return qb.whereRaw('?? LIKE ANY(?::text[])', [column, this.patterns]) as T
  }
}
