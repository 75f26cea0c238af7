// The address parser and its normalisation: a golden table of inputs → components, and the
// pieces (numerals, keys, similarity) on their own.
import { expect } from 'chai'
import { componentsOf, parseAddress } from '../../server/addresses/parser.ts'
import { chineseToArabic, nameCore, normalizeAddress, numberKey } from '../../server/addresses/normalize.ts'
import { editDistance, nameSimilarity, similarity } from '../../server/addresses/similarity.ts'

const FULL = { city: '示范市', district: '东城区', street: '朝阳街道', community: '幸福社区' }

// [input, expected components, expected notes (optional)]
const GOLDEN: [string, Record<string, string>, string[]?][] = [
  // The standard form, every level.
  ['示范市东城区朝阳街道幸福社区建设路18号阳光花园3号楼2单元501室',
    { ...FULL, road: '建设路', houseNumber: '18', estate: '阳光花园', building: '3', unit: '2', room: '501' }],
  ['示范市东城区朝阳街道幸福社区建设路18号', { ...FULL, road: '建设路', houseNumber: '18' }],
  ['山东省示范市东城区朝阳街道幸福社区建设路', { province: '山东省', ...FULL, road: '建设路' }],
  ['中国山东省示范市东城区', { province: '山东省', city: '示范市', district: '东城区' }],
  // Missing levels.
  ['东城区建设路18号', { district: '东城区', road: '建设路', houseNumber: '18' }],
  ['朝阳街道幸福社区建设路18号', { street: '朝阳街道', community: '幸福社区', road: '建设路', houseNumber: '18' }],
  ['建设路18号', { road: '建设路', houseNumber: '18' }],
  ['建设路18', { road: '建设路', houseNumber: '18' }],
  ['建设路', { road: '建设路' }],
  ['幸福社区阳光花园3号楼', { community: '幸福社区', estate: '阳光花园', building: '3' }],
  ['阳光花园3号楼2单元501室', { estate: '阳光花园', building: '3', unit: '2', room: '501' }],
  ['建设路18号2单元501室', { road: '建设路', houseNumber: '18', unit: '2', room: '501' }],
  ['建设路18号3号楼', { road: '建设路', houseNumber: '18', building: '3' }],
  ['建设路18号楼', { road: '建设路', building: '18' }],
  // Full-width digits and letters, spaces, punctuation, emoji, control characters.
  ['建设路１８号', { road: '建设路', houseNumber: '18' }],
  ['阳光花园Ａ座５０１', { estate: '阳光花园', building: 'A', room: '501' }],
  ['  建设路 18 号 ， 3 号楼\t2单元　501室 ', { road: '建设路', houseNumber: '18', building: '3', unit: '2', room: '501' }],
  ['【示范市】东城区（朝阳街道）建设路18号。', { city: '示范市', district: '东城区', street: '朝阳街道', road: '建设路', houseNumber: '18' }],
  ['🏠建设路18号😀', { road: '建设路', houseNumber: '18' }],
  ['建设\u0000路\u200b18号\u0007', { road: '建设路', houseNumber: '18' }],
  // Aliases and suffix variants.
  ['朝阳街道办事处幸福社区居委会建设路18号', { street: '朝阳街道', community: '幸福社区', road: '建设路', houseNumber: '18' }],
  ['朝阳街办幸福居委会建设路18号', { street: '朝阳街道', community: '幸福社区', road: '建设路', houseNumber: '18' }],
  ['东城区朝阳镇张庄村委会建设路5号', { district: '东城区', street: '朝阳镇', community: '张庄村', road: '建设路', houseNumber: '5' }],
  ['示范县红旗乡王村3号', { district: '示范县', street: '红旗乡', community: '王村', houseNumber: '3' }],
  ['济南市市中区大观园街道', { city: '济南市', district: '市中区', street: '大观园街道' }],
  ['人民大街1号', { road: '人民大街', houseNumber: '1' }, []],
  ['解放大道1号', { road: '解放大道', houseNumber: '1' }],
  ['杨柳巷7号', { road: '杨柳巷', houseNumber: '7' }],
  ['阳光新村3栋201', { estate: '阳光新村', building: '3', room: '201' }],
  ['阳光新村3幢201户', { estate: '阳光新村', building: '3', room: '201' }],
  ['阳光小区3#楼2单元501', { estate: '阳光小区', building: '3', unit: '2', room: '501' }],
  ['阳光小区3#2单元501', { estate: '阳光小区', building: '3', unit: '2', room: '501' }],
  ['阳光小区3号2单元501号', { estate: '阳光小区', building: '3', unit: '2', room: '501' }],
  ['建设路18号院3号楼', { road: '建设路', houseNumber: '18', building: '3' }],
  ['建设路18号之2', { road: '建设路', houseNumber: '18-2' }],
  ['建设路18-2号', { road: '建设路', houseNumber: '18-2' }],
  // Chinese numerals in numbers, not in names.
  ['建设路十八号', { road: '建设路', houseNumber: '18' }],
  ['建设路一百零五号三号楼二单元五〇一室', { road: '建设路', houseNumber: '105', building: '3', unit: '2', room: '501' }],
  ['经十路二十号', { road: '经十路', houseNumber: '20' }],
  ['八一路3号', { road: '八一路', houseNumber: '3' }],
  // Shorthand building-unit-room.
  ['幸福社区阳光花园3-2-501', { community: '幸福社区', estate: '阳光花园', building: '3', unit: '2', room: '501' },
    ['shorthand-building-unit-room']],
  ['阳光花园3号楼2-501', { estate: '阳光花园', building: '3', unit: '2', room: '501' }, ['shorthand-unit-room']],
  ['阳光花园A座5楼501', { estate: '阳光花园', building: 'A', floor: '5', room: '501' }],
  // Typos: a mistyped name keeps its place; a mistyped road suffix is caught by the house number.
  ['示范市东城区朝阳街道幸福社区建没路18号', { ...FULL, road: '建没路', houseNumber: '18' }],
  ['建设璐18号', { road: '建设璐', houseNumber: '18' }, ['road-suffix-missing']],
  // Estates whose names end like admin units are not admin units.
  ['阳光小区3号楼', { estate: '阳光小区', building: '3' }],
  ['王庄村3号楼', { estate: '王庄村', building: '3' }],
]

describe('address parser: golden table', () => {
  for (const [input, expected, notes] of GOLDEN) {
    it(JSON.stringify(input), () => {
      const p = parseAddress(input)
      expect(componentsOf(p)).to.deep.equal(expected)
      expect(p.rest, 'nothing left over').to.deep.equal([])
      if (notes) expect(p.notes).to.deep.equal(notes)
    })
  }

  it('lists the components present in address order', () => {
    expect(parseAddress('东城区建设路18号3号楼').present).to.deep.equal(['district', 'road', 'houseNumber', 'building'])
  })
})

describe('address parser: hostile and odd input', () => {
  it('parses the empty string and blanks to nothing', () => {
    for (const s of ['', '   ', '\u3000\t\n']) {
      const p = parseAddress(s)
      expect(componentsOf(p)).to.deep.equal({})
      expect(p.rest).to.deep.equal([])
    }
  })

  it('keeps SQL-looking text as leftover, never as a component', () => {
    const p = parseAddress("建设路18号'; DROP TABLE std_address; --")
    expect(p.road).to.equal('建设路')
    expect(p.houseNumber).to.equal('18')
    expect(p.rest.join('')).to.equal('DROPTABLESTDADDRESS--')
  })

  it('bounds the work on a 10 KB string', () => {
    const p = parseAddress('建'.repeat(10_000))
    expect(p.normalized.length).to.equal(400)
    expect(componentsOf(p)).to.deep.equal({})
  })

  it('puts what it does not understand in rest and carries on', () => {
    const p = parseAddress('东城区@@建设路18号XYZ')
    expect(componentsOf(p)).to.deep.equal({ district: '东城区', road: '建设路', houseNumber: '18' })
    expect(p.rest).to.deep.equal(['XYZ'])
  })

  it('survives lone surrogates and other broken text', () => {
    const p = parseAddress('建设路\ud80018号\udfff')
    expect(componentsOf(p)).to.deep.equal({ road: '建设路', houseNumber: '18' })
  })
})

describe('address normalisation', () => {
  it('converts Chinese numerals positionally or digit by digit', () => {
    const cases: [string, string | undefined][] = [
      ['十', '10'], ['十八', '18'], ['二十', '20'], ['九十九', '99'], ['一百零五', '105'], ['两千零一十', '2010'],
      ['五〇一', '501'], ['五零一', '501'], ['三', '3'], ['两', '2'], ['十八号', undefined], ['A', undefined],
    ]
    for (const [cn, n] of cases) expect(chineseToArabic(cn), cn).to.equal(n)
  })

  it('normalises width, case, dashes and office aliases', () => {
    expect(normalizeAddress('ａｂｃ１２３－４')).to.equal('ABC123-4')
    expect(normalizeAddress('18—2号')).to.equal('18-2号')
    expect(normalizeAddress('朝阳街道办事处')).to.equal('朝阳街道')
    expect(normalizeAddress('幸福社区居民委员会')).to.equal('幸福社区')
    expect(normalizeAddress('3＃楼')).to.equal('3号楼')
  })

  it('keys numbers the way the std_address generated columns do', () => {
    const cases: [string | null, string | null][] = [
      ['18号', '18'], ['18', '18'], ['１８号', '18'], ['3号楼', '3'], ['3栋', '3'], ['3幢', '3'], ['A座', 'A'],
      ['2单元', '2'], ['501室', '501'], ['501户', '501'], ['18-2号', '18-2'], ['号', null], [null, null],
    ]
    for (const [v, k] of cases) expect(numberKey(v), String(v)).to.equal(k)
  })

  it('strips level suffixes to a core of at least two characters', () => {
    expect(nameCore('东城区', 'district')).to.equal('东城')
    expect(nameCore('朝阳街道', 'street')).to.equal('朝阳')
    expect(nameCore('建设大街', 'road')).to.equal('建设')
    expect(nameCore('阳光花园小区', 'estate')).to.equal('阳光花园')
    expect(nameCore('领秀公寓三期', 'estate')).to.equal('领秀公寓三期')
    expect(nameCore('小区', 'estate')).to.equal('小区')
  })
})

describe('name similarity', () => {
  it('counts a Han character as one edit and a transposition as one edit', () => {
    expect(editDistance('建设路', '建没路')).to.equal(1)
    expect(editDistance('建设路', '设建路')).to.equal(1)
    expect(editDistance('建设路', '')).to.equal(3)
    expect(editDistance('', '')).to.equal(0)
    expect(editDistance('kitten', 'sitting')).to.equal(3)
    expect(similarity('建设路', '建设路')).to.equal(1)
  })

  it('ranks exact > suffix variant > one typo > a different name', () => {
    const exact = nameSimilarity('建设路', '建设路', 'road')
    const variant = nameSimilarity('建设街', '建设路', 'road')
    const typo = nameSimilarity('建没路', '建设路', 'road')
    const other = nameSimilarity('人民路', '建设路', 'road')
    expect(exact).to.equal(1)
    expect(variant).to.equal(0.9)
    expect(typo).to.be.within(0.5, variant)
    expect(other).to.be.below(0.5)
  })

  it('matches admin names without their suffix', () => {
    expect(nameSimilarity('朝阳', '朝阳街道', 'street')).to.equal(0.9)
    expect(nameSimilarity('朝阳镇', '朝阳街道', 'street')).to.equal(0.9)
    expect(nameSimilarity('东城', '东城区', 'district')).to.equal(0.9)
  })

  it('gives a shared suffix no credit', () => {
    expect(nameSimilarity('绿荫社区', '和湖社区', 'community')).to.equal(0)
    expect(nameSimilarity('领秀府邸二期', '领秀府邸三期', 'estate')).to.be.below(0.9)
  })
})
