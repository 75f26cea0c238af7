// 统一社会信用代码 (GB 32100-2015): the check character against published codes and a hand
// computation, and the demo generator's codes.
import { expect } from 'chai'
import { creditCheckChar, creditCodeProblem, isCreditCode } from '../../server/units/creditCode.ts'
import { demoCreditCode } from '../../fixtures/registers/places.ts'

// Codes published on the national enterprise credit information publicity system (公示系统) and on
// the companies' own sites: Huawei Technologies (深圳), Tencent (深圳市腾讯计算机系统), Alibaba (China)
// (杭州), Baidu (北京百度网讯科技).
const PUBLISHED = ['914403001922038216', '91440300708461136T', '91330100799655058B', '91110000802100433B']

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    for (const c of PUBLISHED) expect(creditCodeProblem(c), c).to.equal(null)
  })

  it('computes the check character as worked by hand', () => {
    // 91110108000000000: values 9,1,1,1,0,1,0,8 then zeros; weights 1,3,9,27,19,26,16,17:
    // 9 + 3 + 9 + 27 + 0 + 26 + 0 + 136 = 210; 210 mod 31 = 24; 31 - 24 = 7 → '7'
    expect(creditCheckChar('91110108000000000')).to.equal('7')
    // 5299010000000000A: 5 + 2·3 + 9·9 + 9·27 + 0 + 1·26 + … + A(10)·28 = 5 + 6 + 81 + 243 + 26 + 280 = 641;
    // 641 mod 31 = 21; 31 - 21 = 10 → 'A'
    expect(creditCheckChar('5299010000000000A')).to.equal('A')
    // a sum divisible by 31 gives 0, not 31: all zeros
    expect(creditCheckChar('00000000000000000')).to.equal('0')
    expect(isCreditCode('911101080000000007')).to.equal(true)
  })

  it('refuses every wrong check character, and wrong lengths and characters', () => {
    for (const c of PUBLISHED) {
      for (const ch of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
        if (ch !== c[17]) expect(creditCodeProblem(c.slice(0, 17) + ch), c.slice(0, 17) + ch).to.equal('check')
      }
    }
    expect(creditCodeProblem('91440300708461136')).to.equal('length')
    expect(creditCodeProblem('91440300708461136TT')).to.equal('length')
    // I, O, Z, S, V are not in the alphabet; characters 3-8 are the division (digits)
    expect(creditCodeProblem('9144030070846113OT')).to.equal('characters')
    expect(creditCodeProblem('91A40300708461136T')).to.equal('characters')
    expect(creditCodeProblem('91440300708461136t')).to.equal('characters')
    // a transposition of two characters is caught
    expect(creditCodeProblem('91440300780461136T')).to.equal('check')
  })

  it('makes valid, distinct demo codes', () => {
    const codes = new Set<string>()
    for (let i = 0; i < 5000; i++) {
      const c = demoCreditCode(i % 2 ? '91' : '92', '990102', i, i % 3 === 0)
      expect(isCreditCode(c), c).to.equal(true)
      codes.add(c)
    }
    expect(codes.size).to.equal(5000)
  })
})
