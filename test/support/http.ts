// In-process HTTP: requests go to app.callback() without a port (light-my-request).
import { inject, type InjectOptions, type Response } from 'light-my-request'
import { createApp } from '../../server/app.ts'
import type { AppContext } from '../../server/context.ts'
import { getTestContext } from './db.ts'
import { DEMO_PASSWORD } from '../../fixtures/users.ts'

export interface Client {
  request(opts: InjectOptions): Promise<Response>
  get(url: string, headers?: Record<string, string>): Promise<Response>
  post(url: string, payload: unknown, headers?: Record<string, string>): Promise<Response>
  context: AppContext
}

export async function testClient(context?: AppContext): Promise<Client> {
  const ctx = context ?? await getTestContext()
  const handler = createApp(ctx).callback()
  const request = (opts: InjectOptions) => inject(handler, opts)
  return {
    context: ctx,
    request,
    get: (url, headers = {}) => request({ method: 'GET', url, headers }),
    post: (url, payload, headers = {}) => request({
      method: 'POST', url, headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    }),
  }
}

/** Signs a demo user in and returns the Authorization header. */
export async function loginAs(client: Client, username: string): Promise<Record<string, string>> {
  const res = await client.post('/api/v1/auth/login', { username, password: DEMO_PASSWORD })
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`)
  return { authorization: `Bearer ${res.json().token}` }
}
