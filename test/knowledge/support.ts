// Shared helpers of the knowledge tests: signing in, writing and publishing articles over HTTP.
import { expect } from 'chai'
import type { Client } from '../support/http.ts'

export type Auth = Record<string, Record<string, string>>
export type Res = { statusCode: number; body: string; json: () => any } // eslint-disable-line @typescript-eslint/no-explicit-any

export const tag = () => `t${Math.random().toString(36).slice(2, 8)}`

export function expectField(res: Res, status: number, field: string): void {
  expect(res.statusCode, res.body).to.equal(status)
  const errors = (res.json() as { errors?: { field: string }[] }).errors ?? []
  expect(errors.map((e) => e.field), res.body).to.include(field)
}

export function expectCode(res: Res, status: number, code: string): void {
  expect(res.statusCode, res.body).to.equal(status)
  expect((res.json() as { code?: string }).code, res.body).to.equal(code)
}

export const send = (client: Client, method: 'PATCH' | 'PUT' | 'DELETE' | 'POST', url: string, body: unknown, headers: Record<string, string> | undefined) =>
  client.request({ method, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body ?? {}) })

export interface ArticleIn { title: string; bodyHtml: string; category?: string; tags?: string[]; visibility?: 'public' | 'internal'; expiresAt?: string | null }

/** Writes an article as `who` and answers its id (a draft). */
export async function draft(client: Client, auth: Auth, a: ArticleIn, who = 'street1'): Promise<number> {
  const res = await client.post('/api/v1/knowledge', { category: '市容环境', tags: [], visibility: 'internal', ...a }, auth[who])
  expect(res.statusCode, res.body).to.equal(201)
  return res.json().id as number
}

/** Submits, approves and publishes an article. */
export async function publish(client: Client, auth: Auth, id: number, author = 'street1'): Promise<void> {
  for (const [path, who, body] of [['submit', author, {}], ['review', 'command', { decision: 'approve' }], ['publish', 'command', {}]] as const) {
    const res = await client.post(`/api/v1/knowledge/${id}/${path}`, body, auth[who])
    expect(res.statusCode, `${path}: ${res.body}`).to.equal(200)
  }
}

export async function published(client: Client, auth: Auth, a: ArticleIn, author = 'street1'): Promise<number> {
  const id = await draft(client, auth, a, author)
  await publish(client, auth, id, author)
  return id
}
