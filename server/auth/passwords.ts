// Slow password hashing with scrypt (node:crypto, memory-hard): no native addon to build.
import crypto from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(crypto.scrypt) as (pw: crypto.BinaryLike, salt: crypto.BinaryLike, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LEN = 32

/**
 * Format: scrypt$N$r$p$salt$hash (base64url), so parameters can be raised later. `cost` (N) is
 * only lowered by the test fixtures, whose thousands of sign-ins would otherwise spend minutes
 * hashing; verification always uses the N stored with the hash.
 */
export async function hashPassword(password: string, cost: number = PARAMS.N): Promise<string> {
  const salt = crypto.randomBytes(16)
  const hash = await scrypt(password.normalize('NFC'), salt, KEY_LEN, { ...PARAMS, N: cost })
  return ['scrypt', cost, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  // Unknown users and users without a password still pay for one hash, so response
  // time does not tell which usernames exist.
  const parts = (stored ?? DUMMY).split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length,
    { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem })
  return stored != null && crypto.timingSafeEqual(actual, expected)
}

const DUMMY = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
