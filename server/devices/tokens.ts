// Device tokens: "<prefix>.<secret>", shown once; only the SHA-256 of the secret is kept (a long
// random secret needs no slow hash). The prefix finds the device without a scan.
import crypto from 'node:crypto'

const TOKEN = /^([a-z0-9]{8,16})\.([A-Za-z0-9_-]{16,128})$/

export interface NewToken { token: string; prefix: string; hash: string }

export function newDeviceToken(): NewToken {
  const prefix = crypto.randomBytes(6).toString('hex')
  const secret = crypto.randomBytes(24).toString('base64url')
  return { token: `${prefix}.${secret}`, prefix, hash: sha256(secret) }
}

export function splitDeviceToken(token: string): { prefix: string; secret: string } | undefined {
  const m = TOKEN.exec(token)
  return m ? { prefix: m[1]!, secret: m[2]! } : undefined
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string | null): boolean {
  if (!storedHash) return false
  const expected = Buffer.from(storedHash, 'hex')
  const actual = Buffer.from(sha256(secret), 'hex')
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual)
}

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex')
}
