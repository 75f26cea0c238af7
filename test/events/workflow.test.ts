// The state machine, exhaustively: every (status, action) pair against the spec table below,
// and the role/relation rules for every action.
import { expect } from 'chai'
import {
  actions, allowedActions, decide, nextLevel, plainSnapshot, possibleActions, statuses,
  type Action, type Actor, type ActorRole, type Snapshot, type Status,
} from '../../server/events/workflow.ts'
import { roles } from '../../server/auth/roles.ts'

// The spec, written independently of the implementation: "from action to".
const legal = `
reported accept accepted | reported reject rejected | reported void voided
accepted dispatch dispatched | accepted void voided
dispatched sign signed | dispatched return accepted | dispatched reassign dispatched | dispatched escalate dispatched | dispatched void voided
signed handle handling | signed feedback handled | signed return accepted | signed request_extension signed
signed park parked | signed reassign dispatched | signed escalate dispatched | signed void voided
handling feedback handled | handling request_extension handling | handling park parked | handling reassign dispatched | handling escalate dispatched
parked unpark handling
handled verify verified | handled rework handling
verified close closed | verified rework handling
closed evaluate evaluated
dispatched forward dispatched | signed forward dispatched | handling forward dispatched
dispatched assist_sign dispatched | signed assist_sign signed | handling assist_sign handling
dispatched assist_feedback dispatched | signed assist_feedback signed | handling assist_feedback handling | parked assist_feedback parked
dispatched supervise dispatched | signed supervise signed | handling supervise handling | parked supervise parked | handled supervise handled
closed appeal closed | evaluated appeal evaluated
reported direct_reply closed | accepted direct_reply closed
accepted coordinate_dispatch dispatched | dispatched coordinate_dispatch dispatched | signed coordinate_dispatch dispatched | handling coordinate_dispatch dispatched
dispatched transfer dispatched | signed transfer dispatched | handling transfer dispatched
accepted request_supervision accepted | dispatched request_supervision dispatched | signed request_supervision signed
handling request_supervision handling | parked request_supervision parked | handled request_supervision handled
reported declare_emergency reported | accepted declare_emergency accepted | dispatched declare_emergency dispatched
signed declare_emergency signed | handling declare_emergency handling | parked declare_emergency parked
`.split(/[|\n]/).map((s) => s.trim()).filter(Boolean).map((s) => s.split(/\s+/) as [Status, Action, Status])

const base: Snapshot = plainSnapshot({ status: 'reported', extensionPending: false, escalationLevel: 'grid', satisfaction: null })
const god: Actor = { role: 'command_center', isAssignee: true, isReporter: true, isAssisting: true, isDutyChief: true }
const anyActorFor = (action: Action): Actor => {
  const role: ActorRole = ({ sign: 'department', return: 'department', handle: 'department', feedback: 'department',
    request_extension: 'department', evaluate: 'public', forward: 'department', report_back: 'department', assist_sign: 'department',
    assist_feedback: 'department', answer_supervision: 'department', transfer: 'grid_inspector', request_supervision: 'grid_inspector',
    verify_on_site: 'grid_inspector' } as Partial<Record<Action, ActorRole>>)[action] ?? 'command_center'
  return { ...god, role }
}

describe('events/workflow: state machine', () => {
  it('has exactly the legal transitions of the spec, for every status and action', () => {
    let checked = 0
    for (const status of statuses) {
      for (const action of actions) {
        const spec = legal.find(([f, a]) => f === status && a === action)
        const d = decide({ ...base, status }, action, anyActorFor(action))
        if (spec) {
          expect(d, `${status} ${action}`).to.deep.include({ ok: true, to: spec[2] })
        } else {
          expect(d.ok, `${status} ${action} must be illegal`).to.equal(false)
          if (!d.ok) expect(d.kind).to.equal('illegal')
        }
        checked++
      }
    }
    expect(checked).to.equal(statuses.length * actions.length)
  })

  it('lists what is possible in each status exactly as the spec says', () => {
    for (const status of statuses) {
      const expected = legal.filter(([f]) => f === status).map(([, a]) => a)
      // guards: approve/deny need a pending request; redispatch a dissatisfied evaluation
      expect(possibleActions({ ...base, status }).sort(), status).to.deep.equal([...expected].sort())
    }
  })

  it('terminal statuses allow nothing', () => {
    for (const status of ['rejected', 'voided'] as Status[]) {
      expect(possibleActions({ ...base, status })).to.deep.equal([])
    }
  })

  it('an illegal transition lists the actions the actor may fire instead', () => {
    const d = decide({ ...base, status: 'reported' }, 'close', god)
    expect(d).to.deep.include({ ok: false, kind: 'illegal' })
    if (!d.ok) expect(d.allowed.sort()).to.deep.equal(['accept', 'declare_emergency', 'direct_reply', 'reject', 'void'])
  })
})

describe('events/workflow: extension, escalation, redispatch guards', () => {
  it('extension: request sets the flag once, approve/deny need it and clear it', () => {
    const s: Snapshot = { ...base, status: 'handling' }
    const handler: Actor = { role: 'department', isAssignee: true, isReporter: false }
    expect(decide(s, 'request_extension', handler)).to.deep.equal({ ok: true, to: 'handling', changes: { extensionPending: true } })
    const pending = { ...s, extensionPending: true }
    expect(decide(pending, 'request_extension', handler).ok).to.equal(false)
    expect(decide(s, 'approve_extension', god)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide(pending, 'approve_extension', god)).to.deep.equal({ ok: true, to: 'handling', changes: { extensionPending: false } })
    expect(decide(pending, 'deny_extension', god)).to.deep.equal({ ok: true, to: 'handling', changes: { extensionPending: false } })
    // no feedback while the request is pending: the deadline question must be settled first
    expect(decide(pending, 'feedback', handler)).to.deep.include({ ok: false, kind: 'illegal' })
  })

  it('escalation climbs grid → community → street → district → city and stops there', () => {
    const levels = ['grid', 'community', 'street', 'district', 'city'] as const
    for (let i = 0; i < levels.length - 1; i++) {
      const d = decide({ ...base, status: 'signed', escalationLevel: levels[i]! }, 'escalate', { ...god, role: 'system' })
      expect(d).to.deep.equal({ ok: true, to: 'dispatched', changes: { escalationLevel: levels[i + 1] } })
      expect(nextLevel(levels[i]!)).to.equal(levels[i + 1])
    }
    expect(decide({ ...base, status: 'signed', escalationLevel: 'city' }, 'escalate', god)).to.deep.include({ ok: false, kind: 'illegal' })
  })

  it('redispatch only after a dissatisfied evaluation', () => {
    for (const satisfaction of ['satisfied', 'basically_satisfied', null] as const) {
      expect(decide({ ...base, status: 'evaluated', satisfaction }, 'redispatch', god).ok).to.equal(false)
    }
    expect(decide({ ...base, status: 'evaluated', satisfaction: 'dissatisfied' }, 'redispatch', god))
      .to.deep.include({ ok: true, to: 'dispatched' })
  })

  it('reassign and return drop a pending extension request', () => {
    const s: Snapshot = { ...base, status: 'signed', extensionPending: true }
    expect(decide(s, 'reassign', god)).to.deep.include({ changes: { extensionPending: false } })
    expect(decide(s, 'return', { role: 'department', isAssignee: true, isReporter: false }))
      .to.deep.include({ changes: { extensionPending: false } })
  })
})

describe('events/workflow: roles and relations', () => {
  const all: ActorRole[] = [...roles, 'system']
  // Which roles may fire each action (relation satisfied), as the spec for the role table.
  const mayFire: Record<Action, ActorRole[]> = {
    accept: ['command_center', 'district_staff', 'street_staff', 'community_staff', 'system'],
    reject: ['command_center', 'district_staff', 'street_staff', 'community_staff'],
    void: ['command_center', 'district_staff', 'street_staff', 'community_staff'],
    dispatch: ['command_center', 'district_staff', 'street_staff', 'community_staff', 'system'],
    sign: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    return: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    handle: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    feedback: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    request_extension: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    approve_extension: ['command_center', 'district_staff', 'street_staff'],
    deny_extension: ['command_center', 'district_staff', 'street_staff'],
    park: ['command_center', 'district_staff', 'street_staff'],
    unpark: ['command_center', 'district_staff', 'street_staff'],
    reassign: ['command_center', 'district_staff', 'street_staff', 'community_staff'],
    escalate: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff', 'command_center', 'system'],
    verify: ['grid_inspector', 'community_staff', 'street_staff', 'district_staff', 'command_center'],
    rework: ['grid_inspector', 'community_staff', 'street_staff', 'district_staff', 'command_center'],
    close: ['command_center', 'district_staff', 'street_staff', 'community_staff', 'system'],
    evaluate: ['public', 'external_system', 'command_center', 'district_staff', 'street_staff'],
    redispatch: ['command_center', 'district_staff', 'street_staff', 'community_staff'],
    forward: ['department', 'community_staff', 'street_staff', 'district_staff'],
    report_back: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    assist_sign: ['department', 'community_staff', 'street_staff', 'district_staff'],
    assist_feedback: ['department', 'community_staff', 'street_staff', 'district_staff'],
    supervise: ['command_center', 'district_staff', 'street_staff'],
    answer_supervision: ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'],
    appeal: ['public', 'external_system', 'command_center'],
    verify_on_site: ['grid_inspector', 'community_staff'],
    transfer: ['grid_inspector'],
    request_supervision: ['grid_inspector'],
    review_supervision_request: ['community_staff', 'command_center', 'district_staff', 'street_staff'],
    direct_reply: ['command_center', 'district_staff', 'street_staff', 'community_staff'],
    coordinate_dispatch: ['command_center', 'district_staff', 'street_staff'],
    declare_emergency: ['command_center', 'district_staff', 'street_staff'],
  }
  const stateFor = (a: Action): Snapshot => {
    const t = legal.find(([, act]) => act === a)
    const status = t ? t[0] : a === 'redispatch' ? 'evaluated' : a === 'verify_on_site' ? 'reported' : 'signed'
    return { ...base, status, extensionPending: a.endsWith('_extension') && a !== 'request_extension', satisfaction: 'dissatisfied',
      forwardDepth: a === 'report_back' ? 1 : 0, openSupervisions: 1, verification: a === 'verify_on_site' ? 'pending' : 'none',
      openSupervisionRequests: a === 'review_supervision_request' ? 1 : 0 }
  }

  for (const action of actions) {
    it(`${action}: exactly the listed roles, others get 'forbidden'`, () => {
      for (const role of all) {
        const d = decide(stateFor(action), action, { role, isAssignee: true, isReporter: true, isAssisting: true, isDutyChief: true })
        if (mayFire[action].includes(role)) expect(d.ok, `${role} ${action}`).to.equal(true)
        else expect(d, `${role} ${action}`).to.deep.include({ ok: false, kind: 'forbidden' })
      }
    })
  }

  it('handlers act only on events assigned to them; supervisors escalate any', () => {
    const s: Snapshot = { ...base, status: 'dispatched' }
    for (const role of ['department', 'grid_inspector', 'community_staff', 'street_staff', 'district_staff'] as const) {
      expect(decide(s, 'sign', { role, isAssignee: false, isReporter: false }), role).to.deep.include({ ok: false, kind: 'forbidden' })
      expect(decide(s, 'sign', { role, isAssignee: true, isReporter: false }).ok, role).to.equal(true)
    }
    expect(decide(s, 'escalate', { role: 'department', isAssignee: false, isReporter: false }).ok).to.equal(false)
    expect(decide(s, 'escalate', { role: 'street_staff', isAssignee: false, isReporter: false }).ok).to.equal(true)
  })

  it('the public evaluates only its own reports', () => {
    const s: Snapshot = { ...base, status: 'closed' }
    expect(decide(s, 'evaluate', { role: 'public', isAssignee: false, isReporter: false })).to.deep.include({ ok: false, kind: 'forbidden' })
    expect(decide(s, 'evaluate', { role: 'public', isAssignee: false, isReporter: true }).ok).to.equal(true)
  })

  it('allowedActions is the subset of possibleActions the actor passes', () => {
    for (const status of statuses) {
      for (const role of all) {
        for (const isAssignee of [true, false]) {
          const s = { ...base, status }
          const actor = { role, isAssignee, isReporter: false }
          const allowed = allowedActions(s, actor)
          expect(allowed.every((a) => possibleActions(s).includes(a))).to.equal(true)
          for (const a of allowed) expect(decide(s, a, actor).ok).to.equal(true)
        }
      }
    }
  })
})

describe('events/workflow: forwarding, assisting units, supervision, appeal', () => {
  const dept: Actor = { role: 'department', isAssignee: true, isReporter: false }
  it('a forwarded event reports back instead of feeding back, and a refusal returns it signed to the forwarding unit', () => {
    const s: Snapshot = { ...base, status: 'handling', forwardDepth: 1 }
    expect(decide(s, 'feedback', dept)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide(s, 'report_back', dept)).to.deep.include({ ok: true, to: 'handling' })
    expect(decide({ ...s, status: 'signed' }, 'return', dept)).to.deep.include({ ok: true, to: 'signed' })
    expect(decide({ ...s, status: 'signed', forwardDepth: 0 }, 'return', dept)).to.deep.include({ ok: true, to: 'accepted' })
    expect(decide({ ...s, forwardDepth: 0 }, 'report_back', dept)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide({ ...s, forwardDepth: 3 }, 'forward', dept)).to.deep.include({ ok: false, kind: 'illegal' })
  })
  it('the primary unit feeds back only when every assisting unit has given its opinion', () => {
    const s: Snapshot = { ...base, status: 'handling', assistsPending: 2 }
    const d = decide(s, 'feedback', dept)
    expect(d).to.deep.include({ ok: false, kind: 'illegal' })
    expect((d as { reason: string }).reason).to.match(/2 assisting/)
    expect(decide({ ...s, assistsPending: 0 }, 'feedback', dept)).to.deep.include({ ok: true, to: 'handled' })
  })
  it('only an assisting unit signs or answers as one', () => {
    const s: Snapshot = { ...base, status: 'signed' }
    expect(decide(s, 'assist_sign', { ...dept, isAssignee: false })).to.deep.include({ ok: false, kind: 'forbidden' })
    expect(decide(s, 'assist_sign', { ...dept, isAssignee: false, isAssisting: true })).to.deep.include({ ok: true, to: 'signed' })
  })
  it('a supervision answer needs an open order; an appeal is taken once', () => {
    expect(decide({ ...base, status: 'handling' }, 'answer_supervision', dept)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide({ ...base, status: 'handling', openSupervisions: 1 }, 'answer_supervision', dept)).to.deep.include({ ok: true, to: 'handling' })
    const resident: Actor = { role: 'public', isAssignee: false, isReporter: true }
    expect(decide({ ...base, status: 'evaluated' }, 'appeal', resident)).to.deep.include({ ok: true, to: 'evaluated' })
    expect(decide({ ...base, status: 'evaluated', appealed: true }, 'appeal', resident)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide({ ...base, status: 'evaluated' }, 'appeal', { ...resident, isReporter: false })).to.deep.include({ ok: false, kind: 'forbidden' })
  })
})
