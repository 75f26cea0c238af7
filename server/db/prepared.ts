// Named (prepared) statements for hot paths (intake, position ingest). knex sends every raw query as an
// unnamed statement, so PostgreSQL parses and plans the long intake CTE on every request; a
// named statement is parsed once per pooled connection and then only bound and executed (the
// same technique as tiles/service.ts). The SQL files keep knex's `:name` bindings so they read
// the same as every other query file; they are rewritten once to `$n` positions here.
import type { Knex } from 'knex'
import type pg from 'pg'
import { sqlFile } from './sql.ts'

interface Compiled { name: string; text: string; order: string[] }

const compiled = new Map<string, Compiled>()

/**
 * `:name` → `$n` (the same name reuses its position). A `::type` cast is not a binding (the
 * look-behind skips the second colon, the first is followed by a colon); quoted strings are kept
 * as they are ('HH24:MI' has no parameter) and comments are dropped, so a colon in prose cannot
 * become a parameter.
 */
export function toPositional(sql: string): { text: string; order: string[] } {
  const order: string[] = []
  const text = sql.replace(/'(?:[^']|'')*'|--[^\n]*|(?<!:):([A-Za-z_]\w*)/g, (m: string, name: string | undefined) => {
    if (name === undefined) return m.startsWith('--') ? '' : m
    let i = order.indexOf(name)
    if (i < 0) i = order.push(name) - 1
    return `$${i + 1}`
  })
  return { text, order }
}

function compile(file: string): Compiled {
  let c = compiled.get(file)
  if (!c) {
    const { text, order } = toPositional(sqlFile(file))
    c = { name: `gridgov_${file.replace(/\W/g, '_')}`, text, order }
    compiled.set(file, c)
  }
  return c
}

/** Runs a query file as a named statement on a pooled connection; every binding must be given. */
export async function runNamed<R>(knex: Knex, file: string, params: Record<string, unknown>): Promise<R[]> {
  const c = compile(file)
  const values = c.order.map((k) => {
    if (!(k in params)) throw new Error(`${file}: no value for :${k}`)
    const v = params[k]
    return v === undefined ? null : v
  })
  const client = await knex.client.acquireConnection() as pg.PoolClient
  try {
    try {
      return (await client.query({ name: c.name, text: c.text, values })).rows as R[]
    } catch (err) {
      // The embedded engine is one database session behind its socket: a new pooled connection
      // (after the idle one was closed) finds the statements an earlier connection prepared, which
      // this client does not know of (42P05). Drop the old one and prepare ours.
      if ((err as { code?: string }).code !== '42P05') throw err
      await client.query(`DEALLOCATE "${c.name}"`) // c.name: gridgov_ + our own file name, word characters only
      return (await client.query({ name: c.name, text: c.text, values })).rows as R[]
    }
  } finally {
    await knex.client.releaseConnection(client)
  }
}
