// Long static SQL lives in sql/queries/*.sql, one query per file, read once at first use.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('../../sql/queries/', import.meta.url))
const cache = new Map<string, string>()

export function sqlFile(name: string): string {
  let text = cache.get(name)
  if (text === undefined) {
    if (!/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/.test(name)) throw new Error(`bad query name ${name}`)
    text = fs.readFileSync(`${dir}${name}.sql`, 'utf8')
    cache.set(name, text)
  }
  return text
}
