// The SMS adapter on its own: the Aliyun-style body it sends, and how it reads the gateway's
// answers (Code OK delivered; a flow limit retried; another Code refused; 5xx retried).
import { expect } from 'chai'
import { smsAdapter } from '../../server/integrations/sms.ts'
import { dataKeyring } from '../../server/privacy/keyring.ts'
import { startReceiver, type Behaviour } from '../integrations/receiver.ts'

const answer = (body: string, status = 200): Behaviour => ({ kind: 'status', status, body, headers: { 'content-type': 'application/json' } })

describe('integrations: the SMS adapter', function () {
  const payload = () => ({ schema: 'gridgov.sms/1', to: '138****8000', signName: '网格化服务', templateCode: 'SMS_1',
    sealed: dataKeyring().encrypt(JSON.stringify({ phone: '13800138000', code: '042917' }), 'outbox.sms') })

  it('sends PhoneNumbers, SignName, TemplateCode and TemplateParam, signed when there is a secret; classifies the answers', async () => {
    const r = await startReceiver([answer('{"Code":"OK"}'), answer('{"Code":"isv.BUSINESS_LIMIT_CONTROL"}'), answer('{"Code":"isv.MOBILE_NUMBER_ILLEGAL"}'), answer('oops', 503)])
    try {
      const target = { code: 'sms_gateway', endpoint: r.url, secret: 'sixteen-chars-secret', timeoutMs: 5000 }
      const send = () => smsAdapter.deliver({ id: 1, key: 'code:1', attempt: 1, payload: payload() }, target, new AbortController().signal)
      const outcomes = [await send(), await send(), await send(), await send()].map((d) => d.outcome)
      expect(outcomes).to.deep.equal(['delivered', 'retry', 'rejected', 'retry'])
      expect(r.received[0]!.json).to.deep.equal({ PhoneNumbers: '13800138000', SignName: '网格化服务', TemplateCode: 'SMS_1', TemplateParam: '{"code":"042917"}', OutId: 'code:1' })
      expect(r.received[0]!.headers['x-gridgov-signature']).to.match(/^sha256=[0-9a-f]{64}$/)
    } finally {
      await r.close()
    }
  })

  it('refuses a payload it cannot open without calling the gateway', async () => {
    const r = await startReceiver()
    try {
      const d = await smsAdapter.deliver({ id: 2, key: 'code:2', attempt: 1, payload: { ...payload(), sealed: 'enc1.x.y.z.w' } },
        { code: 'sms_gateway', endpoint: r.url, secret: null, timeoutMs: 5000 }, new AbortController().signal)
      expect(d.outcome).to.equal('rejected')
      expect(r.received).to.have.length(0)
    } finally {
      await r.close()
    }
  })
})
