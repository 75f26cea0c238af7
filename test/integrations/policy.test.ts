// The pure parts of delivery: how answers are classified, Retry-After, the back-off curve.
import { expect } from 'chai'
import { backoffMs } from '../../server/integrations/backoff.ts'
import { classify, retryAfterMs, signature } from '../../server/integrations/webhook.ts'

describe('integrations: delivery policy', function () {
  it('classifies answers: 2xx delivered, 5xx and 408/425/429 retried, other 4xx and 3xx refused', () => {
    expect([200, 201, 202, 204, 299].map(classify)).to.deep.equal(Array(5).fill('delivered'))
    expect([500, 502, 503, 504, 408, 425, 429].map(classify)).to.deep.equal(Array(7).fill('retry'))
    expect([301, 302, 400, 401, 403, 404, 410, 413, 422].map(classify)).to.deep.equal(Array(9).fill('rejected'))
  })

  it('reads Retry-After as seconds or an HTTP date, and ignores nonsense', () => {
    const now = Date.parse('2026-03-02T08:00:00Z')
    expect(retryAfterMs('120', now)).to.equal(120_000)
    expect(retryAfterMs('Mon, 02 Mar 2026 08:01:00 GMT', now)).to.equal(60_000)
    expect(retryAfterMs('Mon, 02 Mar 2026 07:00:00 GMT', now)).to.equal(0)
    expect(retryAfterMs('soon', now)).to.equal(null)
    expect(retryAfterMs('-5', now)).to.equal(null)
    expect(retryAfterMs(null, now)).to.equal(null)
  })

  it('backs off exponentially within [half, full] of the ceiling, capped, never beyond the cap for Retry-After', () => {
    const policy = { baseMs: 1000, capMs: 60_000 }
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, policy, () => 0))).to.deep.equal([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000])
    expect([1, 2, 3].map((n) => backoffMs(n, policy, () => 0.999999))).to.deep.equal([1000, 2000, 4000])
    expect(backoffMs(1000, policy, () => 0.5)).to.equal(45_000)
    expect(backoffMs(1, policy, () => 0, 10_000)).to.equal(10_000)
    expect(backoffMs(1, policy, () => 0, 86_400_000)).to.equal(60_000)
    expect(backoffMs(5, policy, () => 0, 10)).to.equal(8000)
  })

  it('signs "<timestamp>.<body>" with HMAC-SHA256 over UTF-8 (values computed independently with Python hmac)', () => {
    expect(signature('itest-secret-0123456789abcdef', '1700000000', '{"a":"网格"}'))
      .to.equal('sha256=841262385a91ca1890eba1eb74cffa5493e2bd611f204806f724575a23519537')
  })
})
