// The field steps in the state machine (issue 18 part 4): the guards that hold acceptance for an
// on-site verification, the duty chief's dispatch, the supervision request and its review, the
// direct reply, and emergencies.
import { expect } from 'chai'
import { decide, plainSnapshot, type Actor, type Snapshot } from '../../server/events/workflow.ts'

const base: Snapshot = plainSnapshot({ status: 'reported', extensionPending: false, escalationLevel: 'grid', satisfaction: null })
const desk: Actor = { role: 'command_center', isAssignee: false, isReporter: false }
const inspector: Actor = { role: 'grid_inspector', isAssignee: true, isReporter: false }

describe('events/workflow: field steps', () => {
  it('acceptance waits for a confirmed on-site verification where one was asked', () => {
    expect(decide({ ...base, verification: 'pending' }, 'accept', desk)).to.deep.include({ ok: false, kind: 'illegal', code: 'transition.verification_pending' })
    expect(decide({ ...base, verification: 'unconfirmed' }, 'accept', desk)).to.deep.include({ ok: false, kind: 'illegal', code: 'transition.verification_unconfirmed' })
    expect(decide({ ...base, verification: 'confirmed' }, 'accept', desk)).to.deep.include({ ok: true, to: 'accepted' })
    expect(decide({ ...base, verification: 'none' }, 'accept', desk)).to.deep.include({ ok: true, to: 'accepted' })
    // an unconfirmed report may still be rejected
    expect(decide({ ...base, verification: 'unconfirmed' }, 'reject', desk)).to.deep.include({ ok: true, to: 'rejected' })
  })

  it('verify_on_site only where asked, again after an unconfirmed one, never after a confirmed one', () => {
    expect(decide({ ...base, verification: 'none' }, 'verify_on_site', inspector)).to.deep.include({ ok: false, code: 'transition.verification_not_required' })
    expect(decide({ ...base, verification: 'pending' }, 'verify_on_site', inspector)).to.deep.include({ ok: true, to: 'reported' })
    expect(decide({ ...base, verification: 'unconfirmed' }, 'verify_on_site', inspector)).to.deep.include({ ok: true, to: 'reported' })
    expect(decide({ ...base, verification: 'confirmed' }, 'verify_on_site', inspector)).to.deep.include({ ok: false, code: 'transition.already_verified' })
    expect(decide({ ...base, verification: 'pending' }, 'verify_on_site', { ...inspector, role: 'department' })).to.deep.include({ ok: false, kind: 'forbidden' })
  })

  it('the duty chief on shift coordinates dispatch; other desk staff may not', () => {
    const s: Snapshot = { ...base, status: 'signed' }
    expect(decide(s, 'coordinate_dispatch', desk)).to.deep.include({ ok: false, kind: 'forbidden', code: 'transition.not_duty_chief' })
    expect(decide(s, 'coordinate_dispatch', { ...desk, isDutyChief: true })).to.deep.include({ ok: true, to: 'dispatched', changes: { extensionPending: false } })
    expect(decide({ ...s, status: 'closed' }, 'coordinate_dispatch', { ...desk, isDutyChief: true })).to.deep.include({ ok: false, kind: 'illegal' })
  })

  it('an inspector transfers only what is assigned to them, not while an extension waits', () => {
    const s: Snapshot = { ...base, status: 'signed' }
    expect(decide(s, 'transfer', inspector)).to.deep.include({ ok: true, to: 'dispatched' })
    expect(decide(s, 'transfer', { ...inspector, isAssignee: false })).to.deep.include({ ok: false, kind: 'forbidden', code: 'transition.not_assignee' })
    expect(decide({ ...s, extensionPending: true }, 'transfer', inspector)).to.deep.include({ ok: false, kind: 'illegal' })
  })

  it('one supervision request at a time; the review needs one', () => {
    const s: Snapshot = { ...base, status: 'handling' }
    const leader: Actor = { role: 'community_staff', isAssignee: false, isReporter: false }
    expect(decide(s, 'request_supervision', { ...inspector, isAssignee: false })).to.deep.include({ ok: true, to: 'handling' })
    expect(decide({ ...s, openSupervisionRequests: 1 }, 'request_supervision', inspector)).to.deep.include({ ok: false, code: 'transition.supervision_request_pending' })
    expect(decide(s, 'review_supervision_request', leader)).to.deep.include({ ok: false, code: 'transition.no_supervision_request' })
    expect(decide({ ...s, openSupervisionRequests: 1 }, 'review_supervision_request', leader)).to.deep.include({ ok: true, to: 'handling' })
  })

  it('a direct reply closes a demand before dispatch, but never an emergency', () => {
    expect(decide(base, 'direct_reply', desk)).to.deep.include({ ok: true, to: 'closed' })
    expect(decide({ ...base, status: 'accepted' }, 'direct_reply', desk)).to.deep.include({ ok: true, to: 'closed' })
    expect(decide({ ...base, status: 'dispatched' }, 'direct_reply', desk)).to.deep.include({ ok: false, kind: 'illegal' })
    expect(decide({ ...base, emergency: true }, 'direct_reply', desk)).to.deep.include({ ok: false, code: 'transition.emergency_no_direct_reply' })
    expect(decide({ ...base, emergency: true }, 'declare_emergency', desk)).to.deep.include({ ok: false, code: 'transition.already_emergency' })
  })
})
