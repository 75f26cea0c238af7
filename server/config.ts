// Typed configuration: every key has a default, is read from the environment and is
// validated at start-up, so a bad value stops the service with a message naming the key.
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { parseCidr } from './auth/networks.ts'

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
    .pipe(z.number().int().min(min).max(max))

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: integer(0, 65535).default(3000),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  // a streaming replica for the reads that tolerate lag (tiles, WMS/WFS/OGC API, analytics)
  DATABASE_READ_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  DB_POOL_MAX: integer(1, 200).default(10),
  DB_CONNECT_RETRIES: integer(0, 100).default(8),
  DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // short access tokens: the page refreshes them (POST /api/v1/auth/refresh) before they end
  TOKEN_TTL_SECONDS: integer(60, 30 * 24 * 3600).default(15 * 60),
  // 等保 idle timeout of a sign-in session (server/auth/sessions.ts)
  SESSION_IDLE_MINUTES: integer(1, 24 * 60).default(30),
  // the city's own networks: sign-in failures from them are not counted per address (server/auth/networks.ts)
  TRUSTED_NETWORKS: z.string().max(4000).transform((v, c) => parseCidrList(v, c)).optional(),
  // Strict-Transport-Security max-age, sent on TLS requests only (ctx.secure); 0: never (server/http/securityHeaders.ts)
  HSTS_SECONDS: integer(0, 2 * 365 * 86400).default(365 * 86400),
  SEED_DEMO: bool.optional(),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_GRACE_MS: integer(0, 600_000).default(10_000),
  BODY_LIMIT_BYTES: integer(1024, 100 * 1024 * 1024).default(2 * 1024 * 1024),
  // the MQTT broker of the SensorThings extension (server/sensors/mqtt.ts); unset: an embedded aedes broker on MQTT_PORT (0: none)
  MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL').optional(),
  MQTT_PORT: integer(0, 65535).default(1883),
  // when both are set, the embedded broker refuses clients without them and the server's own client sends them (server/sensors/mqtt.ts)
  MQTT_USERNAME: z.string().min(1).max(200).optional(),
  MQTT_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
  // internal networks that opinion feeds may still be read from (CIDR blocks); loopback, private and link-local are refused otherwise (server/http/outbound.ts)
  OPINION_FEED_ALLOWED_NETWORKS: z.string().max(4000).transform((v, c) => parseCidrList(v, c)).optional(),
  // internal networks webhook platforms may still be sent to (CIDR blocks): an intranet 数字城管 or 12345 system; refused otherwise (server/integrations/webhook.ts)
  WEBHOOK_ALLOWED_NETWORKS: z.string().max(4000).transform((v, c) => parseCidrList(v, c)).optional(),
  // a request not fully received (headers, then the whole body) in this time is cut off: 408 (server/http/listener.ts)
  REQUEST_TIMEOUT_MS: integer(1000, 3_600_000).default(120_000),
  HEADERS_TIMEOUT_MS: integer(1000, 3_600_000).default(60_000),
  // the largest field copy POST /api/v1/offline/{area}/sync accepts (server/offline/upload.ts)
  OFFLINE_SYNC_MAX_BYTES: integer(1024, 2 * 1024 * 1024 * 1024).default(64 * 1024 * 1024),
  // HTTP worker processes sharing the port (server/http/workers.ts); 'auto': one per CPU. More than one needs DATABASE_URL
  WORKERS: z.union([z.literal('auto'), integer(1, 64)]).default(1),
  // an XYZ/WMTS raster base map the server fetches on the page's behalf (server/basemap/raster.ts)
  // the classifier's confidence at or above which intake applies its class (server/classify/policy.ts reads it)
  GRIDGOV_CLASSIFY_APPLY_CONFIDENCE: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1').optional(),
  GRIDGOV_BASEMAP_WMTS: z.string().max(2000).regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
    .refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'must contain {z}, {x} and {y}').optional(),
})

/** `10.0.0.0/8, 2001:db8::/32`: each block checked, a bad one named. */
function parseCidrList(v: string, c: z.core.$RefinementCtx<string>): string[] {
  const blocks = v.split(/[\s,]+/).filter(Boolean)
  for (const b of blocks) if (!parseCidr(b)) c.addIssue({ code: 'custom', message: `"${b.slice(0, 60)}" is not a CIDR block (a.b.c.d/n or an IPv6 block)` })
  return blocks
}

export type Env = z.output<typeof schema>

export interface Config {
  env: Env['NODE_ENV']
  host: string
  port: number
  /** Set: an external PostGIS server. Unset: the embedded PGlite PostGIS in dataDir. */
  databaseUrl: string | undefined
  /** Set (with databaseUrl): a read replica for lag-tolerant reads (AppContext.knexRead). */
  databaseReadUrl?: string | undefined
  dataDir: string
  logLevel: Env['LOG_LEVEL']
  dbPoolMax: number
  dbConnectRetries: number
  dbStatementTimeoutMs: number
  authSecret: string | undefined
  tokenTtlSeconds: number
  /** Load the small demo city into an empty database at start (default: embedded mode, not production). */
  seedDemo: boolean
  trustProxy: boolean
  shutdownGraceMs: number
  bodyLimitBytes: number
  /** The MQTT broker the SensorThings extension uses; unset: `npm start` embeds one on mqttPort. */
  mqttUrl?: string | undefined
  /** Port of the embedded broker (0: none; default 1883). */
  mqttPort?: number | undefined
  /** Credentials MQTT clients must present to the embedded broker, and that the server presents to any broker. */
  mqttUsername?: string | undefined
  mqttPassword?: string | undefined
  /** CIDR blocks of internal networks opinion feeds may be read from (default none: SSRF guard). */
  opinionFeedAllowedNetworks?: string[] | undefined
  /** CIDR blocks of internal networks webhook platforms may be sent to (default none: SSRF guard). */
  webhookAllowedNetworks?: string[] | undefined
  /** Whole request (headers and body) must arrive within this; slower clients get 408 (server/http/listener.ts). */
  requestTimeoutMs: number
  headersTimeoutMs: number
  /** Largest GeoPackage a sync accepts (default 64 MiB). */
  offlineSyncMaxBytes?: number | undefined
  /** Optional raster base map URL template ({z} {x} {y}, {s} a subdomain digit); unset: our own vector base map only. */
  basemapWmts?: string | undefined
  /** Minutes without use that end a sign-in session (default 30). */
  sessionIdleMinutes?: number | undefined
  /** CIDR blocks whose addresses the sign-in throttle does not count per address (still per name). */
  trustedNetworks?: string[] | undefined
  /** HSTS max-age on TLS requests; 0 or unset: no header. */
  hstsSeconds?: number | undefined
  /** HTTP worker processes sharing the port (default 1: this process serves). */
  workers?: number | undefined
  /** Login throttling (server/auth/throttle.ts); unset: its defaults. Tests shorten it. */
  loginThrottle?: { accountMaxFailures?: number; addressMaxFailures?: number; windowSeconds?: number; lockSeconds?: number } | undefined
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

/** Reads and validates the configuration; throws ConfigError naming every bad key. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const keys = Object.keys(schema.shape) as (keyof typeof schema.shape)[]
  // An empty variable means "not set": `PORT= npm start` should fall back to the default.
  const raw = Object.fromEntries(keys.filter((k) => source[k] !== undefined && source[k] !== '')
    .map((k) => [k, source[k]]))
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '?')
      const shown = key === 'DATABASE_URL' || key === 'DATABASE_READ_URL' || key === 'AUTH_SECRET' || key === 'MQTT_PASSWORD' || key === 'GRIDGOV_BASEMAP_WMTS' ? '(hidden)' : JSON.stringify(raw[key])
      return `${key}=${shown}: ${i.message}`
    }))
  }
  const e = parsed.data
  const problems: string[] = []
  if (e.NODE_ENV === 'production' && !e.AUTH_SECRET) problems.push('AUTH_SECRET: required when NODE_ENV=production')
  if (e.NODE_ENV === 'production' && e.SEED_DEMO) problems.push('SEED_DEMO: demo data and demo users are refused when NODE_ENV=production')
  if (!e.MQTT_USERNAME !== !e.MQTT_PASSWORD) problems.push('MQTT_USERNAME, MQTT_PASSWORD: set both or neither')
  if (e.DATABASE_READ_URL && !e.DATABASE_URL) problems.push('DATABASE_READ_URL: needs DATABASE_URL (the primary)')
  const workers = e.WORKERS === 'auto' ? os.availableParallelism() : e.WORKERS
  if (workers > 1 && !e.DATABASE_URL) problems.push(`WORKERS=${e.WORKERS}: more than one worker needs DATABASE_URL (the embedded database belongs to one process)`)
  if (problems.length) throw new ConfigError(problems)
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    dbPoolMax: e.DB_POOL_MAX,
    dbConnectRetries: e.DB_CONNECT_RETRIES,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    authSecret: e.AUTH_SECRET,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    seedDemo: e.SEED_DEMO ?? (e.NODE_ENV !== 'production' && !e.DATABASE_URL),
    trustProxy: e.TRUST_PROXY,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    mqttUrl: e.MQTT_URL,
    mqttPort: e.MQTT_PORT,
    mqttUsername: e.MQTT_USERNAME,
    mqttPassword: e.MQTT_PASSWORD,
    opinionFeedAllowedNetworks: e.OPINION_FEED_ALLOWED_NETWORKS ?? [],
    webhookAllowedNetworks: e.WEBHOOK_ALLOWED_NETWORKS ?? [],
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    offlineSyncMaxBytes: e.OFFLINE_SYNC_MAX_BYTES,
    basemapWmts: e.GRIDGOV_BASEMAP_WMTS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    trustedNetworks: e.TRUSTED_NETWORKS ?? [],
    hstsSeconds: e.HSTS_SECONDS,
    workers,
  }
}
