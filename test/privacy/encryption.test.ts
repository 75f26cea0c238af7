// Encryption at rest of ID numbers: AES-256-GCM round trip, any change refused, key rotation,
// the blind index, the keys from the environment, and the GB 11643 check digit checked against
// an independent computation (the standard's own formulation) and its published example numbers.
import crypto from 'node:crypto'
import { expect } from 'chai'
import { ConfigError } from '../../server/config.ts'
import { DataKeyring, DecryptionError, loadDataKeyring } from '../../server/privacy/encryption.ts'
import { IdNumberError, checkCharacter, idNumberLookup, normaliseIdNumber, sealIdNumber } from '../../server/privacy/idNumber.ts'

const key = () => crypto.randomBytes(32)
const COLUMN = 'resident.id_number'
/** The example numbers GB 11643-1999 itself gives (北京市朝阳区 1949-12-31; 广东省汕头市潮阳县 1880-01-01). */
const PUBLISHED = ['11010519491231002X', '440524188001010014']

/**
 * The check character as GB 11643-1999 words it (ISO 7064 MOD 11-2): positions i = 18 … 1 from
 * the left, weight W(i) = 2^(i-1) mod 11, a1 = (12 - (Σ a(i)·W(i) mod 11)) mod 11, 10 written X.
 */
function referenceCheck(first17: string): string {
  let sum = 0
  for (let i = 18; i >= 2; i--) sum += Number(first17[18 - i]) * (2 ** (i - 1) % 11)
  const a1 = (12 - (sum % 11)) % 11
  return a1 === 10 ? 'X' : String(a1)
}

describe('privacy: encryption at rest (ID numbers)', () => {
  it('seals and opens a value; the ciphertext hides it and differs on every call', () => {
    const ring = new DataKeyring(key())
    for (const value of ['11010519491231002X', '张三', '', 'x'.repeat(10_000), 'a\u0000b']) {
      const a = ring.encrypt(value, COLUMN)
      const b = ring.encrypt(value, COLUMN)
      expect(a).to.not.equal(b)
      expect(a).to.match(/^enc1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/)
      if (value.length > 3) expect(a).to.not.contain(value.slice(0, 6))
      expect(ring.decrypt(a, COLUMN)).to.equal(value)
    }
  })

  it('refuses any altered part, another column, another key, and malformed input', () => {
    const ring = new DataKeyring(key())
    const sealed = ring.encrypt('440524188001010014', COLUMN)
    expect(ring.decrypt(sealed, COLUMN)).to.equal('440524188001010014') // positive control
    const parts = sealed.split('.')
    for (let p = 2; p < 5; p++) {
      const bytes = Buffer.from(parts[p]!, 'base64url')
      for (const at of [0, bytes.length - 1]) {
        const changed = Buffer.from(bytes)
        changed[at] = changed[at]! ^ 0x01
        const forged = [...parts.slice(0, p), changed.toString('base64url'), ...parts.slice(p + 1)].join('.')
        expect(() => ring.decrypt(forged, COLUMN), `part ${p} byte ${at}`).to.throw(DecryptionError)
      }
    }
    expect(() => ring.decrypt(sealed, 'resident.phone')).to.throw(DecryptionError, 'another column')
    expect(() => new DataKeyring(key()).decrypt(sealed, COLUMN)).to.throw(DecryptionError, 'unknown key')
    for (const junk of ['', 'enc1', 'enc1....', `enc2${sealed.slice(4)}`, sealed.slice(0, -3), `${sealed}.x`, 'enc1.\u0000.a.b.c', 'a'.repeat(1_000_000)]) {
      expect(() => ring.decrypt(junk, COLUMN), junk.slice(0, 40)).to.throw(DecryptionError)
    }
  })

  it('rotates: old keys stay readable, values sealed with them are flagged and re-sealed with the new one', () => {
    const [k1, k2] = [key(), key()]
    const before = new DataKeyring(k1)
    const sealed = before.encrypt('11010519491231002X', COLUMN)
    const during = new DataKeyring(k2, [k1])
    expect(during.currentKeyId).to.not.equal(before.currentKeyId)
    expect(during.decrypt(sealed, COLUMN)).to.equal('11010519491231002X')
    expect(during.needsRotation(sealed)).to.equal(true)
    const resealed = during.encrypt(during.decrypt(sealed, COLUMN), COLUMN)
    expect(during.needsRotation(resealed)).to.equal(false)
    expect(resealed.split('.')[1]).to.equal(during.currentKeyId)
    // lookups during the rotation match rows indexed under either key
    expect(during.blindIndexes('11010519491231002X', COLUMN)).to.have.members([
      during.blindIndex('11010519491231002X', COLUMN), before.blindIndex('11010519491231002X', COLUMN)])
    const after = new DataKeyring(k2)
    expect(after.decrypt(resealed, COLUMN)).to.equal('11010519491231002X')
    expect(() => after.decrypt(sealed, COLUMN)).to.throw(DecryptionError, 'GRIDGOV_DATA_KEYS_OLD')
  })

  it('the blind index is equal for equal inputs and differs across keys, columns and values', () => {
    const k = key()
    const [a, b, other] = [new DataKeyring(k), new DataKeyring(Buffer.from(k)), new DataKeyring(key())]
    const index = a.blindIndex('440524188001010014', COLUMN)
    expect(index).to.match(/^[0-9a-f]{64}$/)
    expect(b.blindIndex('440524188001010014', COLUMN)).to.equal(index)
    expect(other.blindIndex('440524188001010014', COLUMN)).to.not.equal(index)
    expect(a.blindIndex('440524188001010014', 'household.id_number')).to.not.equal(index)
    expect(a.blindIndex('440524188001010022', COLUMN)).to.not.equal(index)
    // not a bare hash of the value: the key is in it
    expect(index).to.not.equal(crypto.createHash('sha256').update('440524188001010014').digest('hex'))
  })

  it('reads the keys from the environment: refused in production when unset, a warned development key otherwise', () => {
    const good = key().toString('base64')
    const old = [key().toString('base64'), key().toString('base64')]
    const ring = loadDataKeyring({ GRIDGOV_DATA_KEY: good, GRIDGOV_DATA_KEYS_OLD: old.join(', '), NODE_ENV: 'production' })
    const sealedOld = new DataKeyring(Buffer.from(old[1]!, 'base64')).encrypt('x', COLUMN)
    expect(ring.decrypt(sealedOld, COLUMN)).to.equal('x')
    expect(ring.currentKeyId).to.equal(new DataKeyring(Buffer.from(good, 'base64')).currentKeyId)
    expect(() => loadDataKeyring({ NODE_ENV: 'production' })).to.throw(ConfigError, 'GRIDGOV_DATA_KEY: required when NODE_ENV=production')
    const warnings: string[] = []
    const dev = loadDataKeyring({ NODE_ENV: 'development' }, (m) => warnings.push(m))
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain('GRIDGOV_DATA_KEY is not set')
    expect(dev.decrypt(dev.encrypt('y', COLUMN), COLUMN)).to.equal('y')
    // the development key is one fixed key: the same on every start
    expect(loadDataKeyring({}).currentKeyId).to.equal(dev.currentKeyId)
    for (const bad of [crypto.randomBytes(16).toString('base64'), crypto.randomBytes(33).toString('base64'), 'not base64 at all!!', `${good}\u0000`, 'A'.repeat(100_000)]) {
      expect(() => loadDataKeyring({ GRIDGOV_DATA_KEY: bad }), bad.slice(0, 20)).to.throw(ConfigError, 'GRIDGOV_DATA_KEY: must be 32 random bytes')
    }
    expect(() => loadDataKeyring({ GRIDGOV_DATA_KEY: good, GRIDGOV_DATA_KEYS_OLD: `${old[0]},short` })).to.throw(ConfigError, 'GRIDGOV_DATA_KEYS_OLD[1]')
  })
})

describe('privacy: ID numbers (GB 11643-1999)', () => {
  it('the published example numbers carry the check character the standard’s formula gives, and are accepted', () => {
    for (const id of PUBLISHED) {
      expect(referenceCheck(id.slice(0, 17)), id).to.equal(id[17])
      expect(checkCharacter(id.slice(0, 17)), id).to.equal(id[17])
      expect(normaliseIdNumber(id)).to.equal(id)
    }
    expect(normaliseIdNumber(' 11010519491231002x ')).to.equal('11010519491231002X')
  })

  it('computes the check character as the independent formula does, for 5,000 seeded numbers', () => {
    let seed = 11643
    const digit = () => { seed = (seed * 48271) % 2147483647; return seed % 10 }
    for (let n = 0; n < 5000; n++) {
      const first17 = Array.from({ length: 17 }, digit).join('')
      expect(checkCharacter(first17), first17).to.equal(referenceCheck(first17))
    }
  })

  it('refuses every single mistyped digit and every swap of two neighbouring digits', () => {
    let refused = 0
    for (const id of PUBLISHED) {
      for (let i = 0; i < 18; i++) {
        for (const d of '0123456789X') {
          if (d === id[i] || (d === 'X' && i < 17)) continue
          const typo = id.slice(0, i) + d + id.slice(i + 1)
          expect(() => normaliseIdNumber(typo), typo).to.throw(IdNumberError)
          refused++
        }
        if (i < 17 && id[i] !== id[i + 1]) {
          const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2)
          expect(() => normaliseIdNumber(swapped), swapped).to.throw(IdNumberError)
          refused++
        }
      }
    }
    expect(refused).to.be.greaterThan(2 * 17 * 9)
  })

  it('names what is wrong with broken and hostile input', () => {
    const problem = (s: string) => { try { normaliseIdNumber(s, new Date('2026-12-03T00:00:00Z')); return 'accepted' } catch (e) { return (e as IdNumberError).problem } }
    expect(problem('110105491231002')).to.equal('format') // 15 digits, first generation
    expect(problem('1101051949123100')).to.equal('format')
    expect(problem('1101051949123100211')).to.equal('format')
    expect(problem('11010519491231X02X')).to.equal('format')
    expect(problem('11010519491231002X\u0000')).to.equal('format')
    expect(problem('１１０１０５１９４９１２３１００２Ｘ')).to.equal('format') // full-width digits
    expect(problem('1'.repeat(1_000_000))).to.equal('format')
    expect(problem('')).to.equal('format')
    const withCheck = (first17: string) => first17 + checkCharacter(first17)
    expect(problem(withCheck('01010519491231002'))).to.equal('region')
    expect(problem(withCheck('11010520260230002'))).to.equal('birth_date') // 2026-02-30
    expect(problem(withCheck('11010520271231002'))).to.equal('birth_date') // in the future
    expect(problem(withCheck('11010518001231002'))).to.equal('birth_date')
    expect(problem(withCheck('11010520000229002'))).to.equal('accepted') // a leap day: positive control
  })

  it('seals an ID number for storage: ciphertext, blind index for lookups, masked form', () => {
    const ring = new DataKeyring(key())
    const s = sealIdNumber(ring, '11010519491231002x', COLUMN)
    expect(s.sealed).to.not.contain('110105')
    expect(ring.decrypt(s.sealed, COLUMN)).to.equal('11010519491231002X')
    expect(s.masked).to.equal('1101**********002X')
    expect(idNumberLookup(ring, '11010519491231002X', COLUMN)).to.deep.equal([s.blindIndex])
    expect(idNumberLookup(ring, '11010519491231003X', COLUMN)).to.deep.equal([])
    expect(() => sealIdNumber(ring, '110105194912310021', COLUMN)).to.throw(IdNumberError, 'check digit')
  })
})
