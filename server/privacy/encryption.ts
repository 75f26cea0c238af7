// Encryption at rest of personal sensitive fields (等保 level 3; ID numbers first, for the
// registers of issue 14): AES-256-GCM, each ciphertext naming the key that sealed it so keys can
// rotate (old keys stay readable), and a keyed blind index (HMAC-SHA-256) so an exact value can be
// found with an index lookup without decrypting any row.
//
// Keys: GRIDGOV_DATA_KEY (32 random bytes, base64; `openssl rand -base64 32`) and, during a
// rotation, GRIDGOV_DATA_KEYS_OLD (the previous keys, comma-separated). From each key two
// subkeys are derived with HKDF-SHA-256, one to encrypt and one for the blind index, so the index
// never reuses the encryption key. A key's id is derived from the key itself (no registry).
import crypto from 'node:crypto'
import { ConfigError } from '../config.ts'

const PREFIX = 'enc1'
const IV_BYTES = 12
const TAG_BYTES = 16
/** A well-known development key: never secret, refused in production. */
const DEVELOPMENT_SEED = 'gridgov development data key - not secret - do not use in production'

interface DataKey { id: string; encryption: Buffer; index: Buffer }

export class DecryptionError extends Error {
  override name = 'DecryptionError'
}

function deriveKey(master: Buffer): DataKey {
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32))
  // the id reveals nothing usable about the key: a hash of a derived value, 8 hex digits
  const id = crypto.createHash('sha256').update(sub('gridgov key id v1')).digest('hex').slice(0, 8)
  return { id, encryption: sub('gridgov data encryption v1'), index: sub('gridgov blind index v1') }
}

const b64u = (b: Buffer) => b.toString('base64url')

export class DataKeyring {
  private readonly current: DataKey
  private readonly byId = new Map<string, DataKey>()

  constructor(current: Buffer, old: Buffer[] = []) {
    for (const k of [current, ...old]) {
      if (k.length !== 32) throw new Error('a data key is exactly 32 bytes')
    }
    this.current = deriveKey(current)
    for (const k of [this.current, ...old.map(deriveKey)]) if (!this.byId.has(k.id)) this.byId.set(k.id, k)
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.current.id
  }

  /**
   * Seals a value: `enc1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). `context` names the
   * column (e.g. 'resident.id_number') and is authenticated: a ciphertext copied into another
   * column does not decrypt there.
   */
  encrypt(plaintext: string, context: string): string {
    const iv = freshIv()
    const cipher = crypto.createCipheriv('aes-256-gcm', this.current.encryption, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(aad(this.current.id, context))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return [PREFIX, this.current.id, b64u(iv), b64u(body), b64u(cipher.getAuthTag())].join('.')
  }

  /** Opens a sealed value with whichever known key sealed it; any change to it is refused. */
  decrypt(sealed: string, context: string): string {
    const parts = sealed.split('.')
    if (parts.length !== 5 || parts[0] !== PREFIX) throw new DecryptionError('not a sealed value')
    const [, id, iv, body, tag] = parts as [string, string, string, string, string]
    const key = this.byId.get(id)
    if (!key) throw new DecryptionError(`sealed with an unknown key ${id}: add it to GRIDGOV_DATA_KEYS_OLD`)
    const ivBytes = Buffer.from(iv, 'base64url')
    const tagBytes = Buffer.from(tag, 'base64url')
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new DecryptionError('malformed sealed value')
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key.encryption, ivBytes, { authTagLength: TAG_BYTES })
      decipher.setAAD(aad(id, context))
      decipher.setAuthTag(tagBytes)
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      throw new DecryptionError('the sealed value was altered, or belongs to another column')
    }
  }

  /** True when the value was sealed with an old key (a rotation job re-seals it). */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id
  }

  /** The blind index of a value under the current key: HMAC-SHA-256(index key, context, value), hex. */
  blindIndex(value: string, context: string): string {
    return blind(this.current, value, context)
  }

  /** The value's index under every known key: lookups during a rotation match rows not yet re-indexed. */
  blindIndexes(value: string, context: string): string[] {
    return [...this.byId.values()].map((k) => blind(k, value, context))
  }
}

// IVs come from a pool refilled from the CSPRNG: a register import seals 100,000 ID numbers, and
// a randomBytes(12) call per value cost about as much as the AES-GCM encryption itself.
const IV_POOL = Buffer.alloc(IV_BYTES * 4096)
let ivOffset = IV_POOL.length

function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > IV_POOL.length) {
    crypto.randomFillSync(IV_POOL)
    ivOffset = 0
  }
  // a copy: the pool is overwritten on its next refill
  const iv = Buffer.from(IV_POOL.subarray(ivOffset, ivOffset + IV_BYTES))
  ivOffset += IV_BYTES
  return iv
}

const aad = (keyId: string, context: string) => Buffer.from(`${PREFIX}|${keyId}|${context}`, 'utf8')

function blind(key: DataKey, value: string, context: string): string {
  return crypto.createHmac('sha256', key.index).update(context).update('\0').update(value, 'utf8').digest('hex')
}

function parseKey(name: string, text: string): Buffer {
  const trimmed = text.trim()
  const bytes = Buffer.from(trimmed, 'base64')
  // Buffer.from ignores characters that are not base64: compare the round trip to refuse junk
  if (bytes.length !== 32 || bytes.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new ConfigError([`${name}: must be 32 random bytes in base64 (openssl rand -base64 32)`])
  }
  return bytes
}

/**
 * The keyring from the environment. Unset GRIDGOV_DATA_KEY: refused when NODE_ENV=production,
 * otherwise a fixed development key (logged as a warning: data sealed with it is not protected).
 */
export function loadDataKeyring(env: NodeJS.ProcessEnv = process.env, warn: (m: string) => void = () => undefined): DataKeyring {
  const old = (env.GRIDGOV_DATA_KEYS_OLD ?? '').split(',').map((s) => s.trim()).filter(Boolean)
    .map((k, i) => parseKey(`GRIDGOV_DATA_KEYS_OLD[${i}]`, k))
  if (env.GRIDGOV_DATA_KEY) return new DataKeyring(parseKey('GRIDGOV_DATA_KEY', env.GRIDGOV_DATA_KEY), old)
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(['GRIDGOV_DATA_KEY: required when NODE_ENV=production (32 random bytes in base64: openssl rand -base64 32)'])
  }
  warn('GRIDGOV_DATA_KEY is not set: personal fields are sealed with the well-known development key (not protected); set it before real data arrives')
  return new DataKeyring(crypto.createHash('sha256').update(DEVELOPMENT_SEED).digest(), old)
}
