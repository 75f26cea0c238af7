// The fields a 400 names: validate()'s errors[].field, or the single `field` of a hand-made refusal.
import { expect } from 'chai'
import type { Response } from 'light-my-request'

export function problemFields(res: Response): string[] {
  const body = res.json() as { errors?: { field: string }[]; field?: string }
  return [...new Set([...(body.errors ?? []).map((e) => e.field), ...(body.field === undefined ? [] : [body.field])])]
}

/** A 400 whose problem names the field (and not only the status). */
export function expectRefusal(res: Response, field: string, what = ''): void {
  expect(res.statusCode, `${what} ${res.body}`).to.equal(400)
  expect(problemFields(res), `${what} ${res.body}`).to.include(field)
}
