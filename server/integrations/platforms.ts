// Platforms and who may see them. A platform serves one city; only principals whose
// jurisdiction covers the whole city (city-level roles) see it. Others get 404, as if it did not
// exist, so codes cannot be probed across cities.
import type { Knex } from 'knex'
import { AppError, badRequest, notFound } from '../http/errors.ts'
import { assertPublicTarget, InternalTargetError } from '../http/outbound.ts'
import type { Principal } from '../auth/users.ts'

export const PLATFORM_CODE = /^[a-z][a-z0-9_]{1,39}$/

/** A platform's endpoint in an internal network outside the allow-list: 400 naming `endpoint`, nothing stored. */
export async function refuseInternalEndpoint(endpoint: string, allowedNetworks: readonly string[]): Promise<void> {
  try {
    await assertPublicTarget(endpoint, allowedNetworks)
  } catch (e) {
    if (!(e instanceof InternalTargetError)) throw e
    throw badRequest(`endpoint: ${e.message}`, { errors: [{ field: 'endpoint', message: 'an internal address' }] })
      .coded('integrations.endpoint_internal', { field: 'endpoint', host: e.host, address: e.address })
  }
}

export interface PlatformRow {
  code: string; name: string; city_code: string; adapter: string; endpoint: string; secret: string | null
  actions: string[] | null; channels: string[] | null; class_prefixes: string[] | null
  timeout_ms: number; max_rejections: number; enabled: boolean; created_at: Date
}

/** The 12-digit admin code of a 6-digit city code (what a city-level jurisdiction covers). */
export const cityAdminCode = (cityCode: string) => `${cityCode}000000`

export function coversCity(p: Principal, cityCode: string): boolean {
  return p.jurisdiction.covers(cityAdminCode(cityCode)) && (p.cityCode === null || p.cityCode === cityCode)
}

/** The cities whose platforms the principal sees (empty below city level). */
export function visibleCities(p: Principal): string[] {
  return p.cityCode && coversCity(p, p.cityCode) ? [p.cityCode] : []
}

/**
 * The platform the principal may act on, or 404. With `enabledOnly`, a disabled platform is a
 * 409: it exists and the caller sees it, but it takes no feedback now.
 */
export async function platformFor(knex: Knex, p: Principal, code: string, enabledOnly = false): Promise<PlatformRow> {
  const row = PLATFORM_CODE.test(code) ? await knex('integration_platform').where({ code }).first() as PlatformRow | undefined : undefined
  if (!row || !coversCity(p, row.city_code)) throw notFound(`no integration platform ${code} for your city`)
  if (enabledOnly && !row.enabled) throw new AppError(409, 'platform_disabled', `integration platform ${code} is disabled`)
  return row
}

/** The platform as operators see it: never the secret, only whether there is one. */
export function platformView(r: PlatformRow & { pending?: string | number; dead?: string | number; delivered?: string | number;
  oldest_pending_at?: Date | null; last_attempt_at?: Date | null; last_outcome?: string | null }) {
  return {
    code: r.code, name: r.name, cityCode: r.city_code, adapter: r.adapter, endpoint: r.endpoint, signed: r.secret !== null,
    subscription: { actions: r.actions, channels: r.channels, classPrefixes: r.class_prefixes },
    timeoutMs: r.timeout_ms, maxRejections: r.max_rejections, enabled: r.enabled,
    outbox: r.pending === undefined ? undefined : {
      pending: Number(r.pending), delivered: Number(r.delivered), dead: Number(r.dead),
      oldestPendingAt: r.oldest_pending_at?.toISOString() ?? null,
      lastAttemptAt: r.last_attempt_at?.toISOString() ?? null, lastOutcome: r.last_outcome ?? null,
    },
  }
}
