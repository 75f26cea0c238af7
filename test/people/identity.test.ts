// What the register derives from an ID number (birth date, gender, age), checked against
// hand computations, and the phone rule.
import { expect } from 'chai'
import { ageOn, beijingDay, identityOf } from '../../server/residents/identity.ts'
import { checkCharacter, normaliseIdNumber } from '../../server/privacy/idNumber.ts'
import { normalisePhone, PHONE } from '../../server/houses/fields.ts'

describe('people: identity from the ID number', () => {
  // built by hand: 11010519491231002 → weights give sum 167, 167 mod 11 = 2 → check 'X'
  const HAND = '11010519491231002X'

  it('the hand-computed check character agrees (ISO 7064 MOD 11-2)', () => {
    const digits = HAND.slice(0, 17).split('').map(Number)
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    const sum = digits.reduce((s, d, i) => s + d * weights[i]!, 0)
    expect(sum).to.equal(167)
    expect(checkCharacter(HAND.slice(0, 17))).to.equal('X')
    expect(normaliseIdNumber(HAND.toLowerCase())).to.equal(HAND)
  })

  it('birth date from digits 7-14, gender from digit 17 (odd male, even female)', () => {
    expect(identityOf(HAND)).to.deep.equal({ birthDate: '1949-12-31', gender: 'F' }) // 17th digit 2: even
    const male = '11010520000229001'
    expect(identityOf(male + checkCharacter(male))).to.deep.equal({ birthDate: '2000-02-29', gender: 'M' })
  })

  it('age in full years on a Beijing day, birthdays not yet reached counting one less', () => {
    expect(ageOn('1949-12-31', '2026-12-30')).to.equal(76)
    expect(ageOn('1949-12-31', '2026-12-31')).to.equal(77)
    // born 29 February: 25 on 28 Feb 2025 not yet, on 1 March yes
    expect(ageOn('2000-02-29', '2025-02-28')).to.equal(24)
    expect(ageOn('2000-02-29', '2025-03-01')).to.equal(25)
    // 2026-12-03 16:30Z is already 4 December in Beijing
    expect(beijingDay(new Date('2026-12-03T16:30:00Z'))).to.equal('2026-12-04')
    expect(beijingDay(new Date('2026-12-03T15:59:00Z'))).to.equal('2026-12-03')
  })

  it('phones: mobiles 1[3-9] and nine digits, fixed lines with an area code; nothing else', () => {
    for (const ok of ['13912345678', '+8613912345678', '010-62345678', '0531-8612345', '021-52345678-123']) expect(PHONE.test(ok), ok).to.equal(true)
    for (const bad of ['12345678901', '1391234567', '139123456789', '12345678', 'abc', '010-123', '00000000000']) expect(PHONE.test(bad), bad).to.equal(false)
    expect(normalisePhone('+86 139 1234 5678')).to.equal('13912345678')
  })
})
