// The masking rule and the masks: forms computed by hand, the role × record matrix, hostile
// values, and the layer catalogue carrying no personal column (so WFS, WMS, OGC API Features,
// tiles and exports, which all read it, cannot return one).
import { expect } from 'chai'
import { maskIdNumber, maskName, maskPhone, maskResidentAddress } from '../../server/privacy/fields.ts'
import { accessTo, shown } from '../../server/privacy/rule.ts'
import { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { roles, type Role } from '../../server/auth/roles.ts'
import type { Principal } from '../../server/auth/users.ts'

const who = (role: Role, codes: string[]): Principal => ({
  kind: 'user', userId: 1, username: role, displayName: role, role, departmentId: null, cityCode: '990100', jurisdiction: Jurisdiction.of(codes),
})

describe('privacy: the masks and the rule', () => {
  it('masks phones, names, ID numbers and addresses as written by hand', () => {
    expect(maskPhone('13812345678')).to.equal('138****5678')
    expect(maskPhone('138-1234-5678')).to.equal('138****5678')
    expect(maskPhone('0531-87654321')).to.equal('053*****4321')
    expect(maskPhone('123456')).to.equal('******')
    expect(maskName('张三')).to.equal('张*')
    expect(maskName('欧阳娜娜')).to.equal('欧***')
    expect(maskName('张')).to.equal('*')
    expect(maskName('𠀋三')).to.equal('𠀋*') // a character outside the BMP counts once
    expect(maskIdNumber('370102199001011234')).to.equal('3701**********1234')
    expect(maskIdNumber('37010219900101123X')).to.equal('3701**********123X')
    expect(maskIdNumber('12345')).to.equal('*****')
    expect(maskResidentAddress('山东省济南市历下区泉城路1号')).to.equal('山东省济南市****')
  })

  it('masks hostile and oversized values without keeping their secret part', () => {
    const long = '1'.repeat(3) + '9'.repeat(100_000) + '5678'
    expect(maskPhone(long)).to.equal(`111${'*'.repeat(100_000)}5678`)
    expect(maskPhone('\u0000138\u00001234\u00005678')).to.equal('138****5678')
    expect(maskPhone('<script>13812345678</script>')).to.equal('138****5678')
    expect(maskName('张\u0000三')).to.equal('张**')
    expect(maskName('')).to.equal('*')
    expect(shown('masked', { name: 'name', phone: 'phone' }, { name: null, phone: '' })).to.deep.equal({ name: null, phone: null })
  })

  it('decides per role: full, unmaskable or masked, and never outside the jurisdiction', () => {
    const inside = { communityCode: '990102001001', heldByPrincipal: false }
    const held = { ...inside, heldByPrincipal: true }
    const expected: Record<Role, [string, string]> = {
      command_center: ['full', 'full'], district_staff: ['unmaskable', 'full'], street_staff: ['unmaskable', 'full'],
      community_staff: ['unmaskable', 'full'], department: ['masked', 'full'], grid_inspector: ['masked', 'full'],
      gis_analyst: ['masked', 'masked'], external_system: ['masked', 'masked'], public: ['masked', 'masked'],
      auditor: ['masked', 'masked'],
    }
    for (const role of roles) {
      const p = who(role, ['990102000000'])
      expect([accessTo(p, inside), accessTo(p, held)], role).to.deep.equal(expected[role])
      // outside: another district, held or not
      const away = who(role, ['990101000000'])
      expect([accessTo(away, inside), accessTo(away, held)], `${role} outside`).to.deep.equal(['masked', 'masked'])
    }
    expect(shown('full', { phone: 'phone' }, { phone: '13812345678' }).phone).to.equal('13812345678')
    expect(shown('unmaskable', { phone: 'phone' }, { phone: '13812345678' }).phone).to.equal('138****5678')
  })

  // that no map layer reads a personal column is test/privacy/layerColumns.test.ts (by PostgreSQL's own
  // column dependencies, table and column: a register's `name` is not a component's)
})
