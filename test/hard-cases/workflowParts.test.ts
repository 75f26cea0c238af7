// The state machine's parallel block (pure): open parts hold feedback and direct reply back, and
// nothing else; with none open the rules are as before.
import { expect } from 'chai'
import { decide, plainSnapshot, type Actor } from '../../server/events/workflow.ts'
import { messageFor, registerMessages } from '../../server/http/messages/registry.ts'
import { hardCaseMessagesZh } from '../../server/hard-cases/messagesZh.ts'

const unit: Actor = { role: 'department', isAssignee: true, isReporter: false }
const desk: Actor = { role: 'command_center', isAssignee: false, isReporter: false }

describe('workflow: parallel parts (并联办)', function () {
  before(() => registerMessages('zh', hardCaseMessagesZh))
  it('open parts refuse feedback, direct reply and void with their count, worded in Chinese', () => {
    const s = { ...plainSnapshot({ status: 'handling', extensionPending: false, escalationLevel: 'grid', satisfaction: null }), openParts: 2 }
    const d = decide(s, 'feedback', unit)
    expect(d.ok).to.equal(false)
    if (!d.ok) expect([d.kind, d.code, d.params.count]).to.deep.equal(['illegal', 'transition.parts_open', 2])
    const r = decide({ ...s, status: 'accepted' }, 'direct_reply', desk)
    expect(!r.ok && r.code).to.equal('transition.parts_open')
    expect(messageFor('zh', 'transition.parts_open', { action: 'void', count: 2 })).to.equal('无法废止：还有 2 个并联办任务未办结')
    expect(!decide({ ...s, status: 'signed' }, 'void', desk).ok).to.equal(true)
    // other steps of the primary unit go on
    expect(decide(s, 'request_extension', unit).ok).to.equal(true)
  })

  it('the guards before the parts still come first; no open parts: feedback as before', () => {
    const base = plainSnapshot({ status: 'handling', extensionPending: true, escalationLevel: 'grid', satisfaction: null })
    const d = decide({ ...base, openParts: 1 }, 'feedback', unit)
    expect(!d.ok && d.code).to.equal('transition.extension_pending')
    expect(decide({ ...base, extensionPending: false, openParts: 0 }, 'feedback', unit)).to.deep.include({ ok: true, to: 'handled' })
  })
})
