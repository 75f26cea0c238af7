import { expect } from 'chai'
import Koa from 'koa'
import { inject } from 'light-my-request'
import { AppError, errorMiddleware } from '../../server/http/errors.ts'
import { testClient } from '../support/http.ts'

function appThrowing(err: unknown) {
  const app = new Koa()
  app.silent = true
  app.use(async (ctx, next) => { ctx.state.requestId = 'req-1'; await next() })
  app.use(errorMiddleware())
  app.use(() => { throw err })
  return app.callback()
}

describe('errors', () => {
  it('an unknown path is a problem JSON 404', async () => {
    const res = await (await testClient()).get('/api/v1/nothing-here')
    expect(res.statusCode).to.equal(404)
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/)
    expect(res.json()).to.include({ status: 404, title: 'Not Found', instance: '/api/v1/nothing-here' })
  })

  it('a wrong method is 405', async () => {
    const res = await (await testClient()).request({ method: 'DELETE', url: '/api/v1/auth/login' })
    expect(res.statusCode).to.equal(405)
    expect(res.json().status).to.equal(405)
  })

  it('a write rolled back by a deadlock or a serialization failure is a 503 to send again, not a 500', async () => {
    for (const code of ['40P01', '40001']) {
      const pgError = Object.assign(new Error('deadlock detected on relation 16384'), { code, severity: 'ERROR' })
      const res = await inject(appThrowing(pgError), { method: 'POST', url: '/api/v1/grids' })
      expect(res.statusCode, code).to.equal(503)
      expect(res.headers['retry-after']).to.equal('1')
      expect(res.json().code).to.equal('http.write_collision')
      expect(res.body, 'no database detail').to.not.include('relation 16384')
    }
  })

  it('5xx details never reach the client', async () => {
    const res = await inject(appThrowing(new Error('password=hunter2 at db.internal')), { url: '/api/v1/x' })
    expect(res.statusCode).to.equal(500)
    expect(res.body).not.to.include('hunter2')
    expect(res.json().detail).to.equal('internal error (request id req-1)')
  })

  it('4xx details and extra fields do reach the client', async () => {
    const res = await inject(appThrowing(new AppError(422, 'topology', 'grid overlaps', { violations: [1] })), { url: '/api/v1/x' })
    expect(res.statusCode).to.equal(422)
    expect(res.json()).to.deep.include({ detail: 'grid overlaps', violations: [1], type: 'https://gridgov.invalid/problems/topology' })
  })

  it('errors under /ogc/wfs are OWS exception reports', async () => {
    const res = await inject(appThrowing(new AppError(400, 'ogc', 'missing <service>', {}, { code: 'MissingParameterValue', locator: 'service' })), { url: '/ogc/wfs' })
    expect(res.statusCode).to.equal(400)
    expect(res.headers['content-type']).to.match(/^text\/xml/)
    expect(res.body).to.include('<ows:ExceptionReport').and.include('exceptionCode="MissingParameterValue"')
      .and.include('locator="service"').and.include('missing &lt;service&gt;').and.include('version="2.0.0"')
  })

  it('a 401 under /ogc challenges for Basic credentials, elsewhere it does not', async () => {
    const client = await testClient()
    const basic = { authorization: `Basic ${Buffer.from('analyst:wrong').toString('base64')}` }
    const ogc = await client.get('/ogc/wfs?service=WFS&request=GetFeature&typenames=gridgov:base_grids', basic)
    expect(ogc.statusCode).to.equal(401)
    expect(ogc.headers['www-authenticate']).to.match(/^Basic realm="gridgov"/)
    const api = await client.get('/api/v1/auth/me', basic)
    expect(api.statusCode).to.equal(401)
    expect(api.headers['www-authenticate']).to.equal(undefined)
  })

  it('errors under /ogc/wms are ServiceExceptionReports', async () => {
    const res = await inject(appThrowing(new AppError(400, 'ogc', 'bad crs', {}, { code: 'InvalidCRS' })), { url: '/ogc/wms' })
    expect(res.body).to.include('<ServiceExceptionReport').and.include('code="InvalidCRS"')
  })
})
