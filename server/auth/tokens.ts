// Signed bearer tokens (JWT, HS256). The token names the user; role and jurisdiction are read
// from the database on use, so a role change or a forced logout takes effect at once.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose'
import { AppError } from '../http/errors.ts'

const ISSUER = 'gridgov'
const AUDIENCE = 'gridgov-api'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export class TokenService {
  private readonly key: Uint8Array
  constructor(secret: string, readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret)
  }

  /** sessionId: the sign-in session (server/auth/sessions.ts) whose logout revokes the token. */
  async issue(userId: number, sessionId?: string): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT(sessionId ? { sid: sessionId } : {}).setProtectedHeader({ alg: 'HS256' }).setSubject(String(userId))
      .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(now).setExpirationTime(now + this.ttlSeconds)
      .setJti(crypto.randomUUID()).sign(this.key)
    return { token, expiresAt: new Date((now + this.ttlSeconds) * 1000) }
  }

  /** Returns the user id and issue time, or throws 401 naming why the token is refused (a token without exp too: it would never end). */
  async verify(token: string): Promise<{ userId: number; issuedAt: Date; sessionId: string | undefined }> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sub'] })
      const userId = Number(payload.sub)
      if (!Number.isSafeInteger(userId) || userId <= 0 || typeof payload.iat !== 'number') throw new Error('bad subject')
      const sid = payload['sid']
      if (sid !== undefined && (typeof sid !== 'string' || !UUID.test(sid))) throw new Error('bad session')
      return { userId, issuedAt: new Date(payload.iat * 1000), sessionId: sid }
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired
      throw new AppError(401, 'unauthorized', expired ? 'token expired' : 'invalid token').coded(expired ? 'auth.token_expired' : 'auth.invalid_token')
    }
  }
}

/**
 * The signing secret: AUTH_SECRET when set (required in production); otherwise a random one
 * kept in the data directory so tokens survive a restart of a development instance.
 */
export function resolveSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured
  const file = path.join(dataDir, 'auth-secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    fs.mkdirSync(dataDir, { recursive: true })
    const secret = crypto.randomBytes(32).toString('base64url')
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
    return secret
  }
}
