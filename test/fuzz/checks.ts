// What a fuzz answer must never hold: a stack trace, SQL or a database error, a file of the host.
import fs from 'node:fs'
import { PASSWD_PATH } from './values.ts'

/** the first line of the host's passwd file (root's), the sentinel of a file disclosure */
export function passwdSentinel(): string {
  const first = fs.readFileSync(PASSWD_PATH, 'utf8').split('\n')[0] ?? ''
  if (!first.startsWith('root:')) throw new Error(`${PASSWD_PATH} does not start with root: the sentinel would prove nothing`)
  return first
}

const stack = [
  /\n\s*at (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/)?\/[^\s)]*:\d+:\d+\)?/, // "    at fn (/path/file.ts:10:5)"
  /node_modules\//, /\/work\/|\/server\/[\w/-]+\.ts\b/, /\b(?:TypeError|RangeError|ReferenceError|SyntaxError): .*\n\s+at /,
]
const database = [
  /syntax error at or near/i, /invalid input syntax for/i, /out of range for type/i, /value too long for type/i,
  /violates (?:foreign key|unique|check|not-null|exclusion) constraint/i, /invalid byte sequence for encoding/i,
  /unterminated quoted/i, /operator does not exist/i, /current transaction is aborted/i, /canceling statement due to/i,
  /(?:relation|column|function|type) "?[\w.]+"? does not exist/i, /there is no parameter \$/i, /bind message supplies/i,
  /undefined binding/i, /\bknex\b/i, /pg_catalog/i, /\blwgeom/i, /\bGEOS\w*(?:Error|Exception)?:/, /\bST_\w+:/,
  /\bselect\b[^<>{}]{0,200}?\bfrom\s+"?[a-z_]+"?\s+(?:where|join|as|order|group|limit)\b/i, /\binsert\s+into\s+"?\w+"?\s*\(/i,
  /\bupdate\s+"?\w+"?\s+set\s+"?\w+"?\s*=/i, /\$\d+::\w+/,
]

/** why this answer leaks, or undefined */
export function leakIn(status: number | undefined, body: Buffer, sentinel: string): string | undefined {
  const text = body.toString('utf8')
  if (text.includes(sentinel) || /root:[x*]?:0:0:/.test(text)) return 'host file content (/etc/passwd)'
  for (const re of stack) if (re.test(text)) return `stack trace or source path (${re.source.slice(0, 40)})`
  if (status !== undefined && status >= 400) for (const re of database) if (re.test(text)) return `SQL or database error text (${re.source.slice(0, 40)})`
  return undefined
}
