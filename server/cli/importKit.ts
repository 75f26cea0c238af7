// What the import commands share (npm run import, import:events, import:register): who the
// import runs as, the usage line, a refusal printed with what it lists (exit 1, nothing written),
// and the exit codes of the process (a configuration error: 2; any other failure: 1).
import type { Knex } from 'knex'
import { ConfigError } from '../config.ts'
import { Jurisdiction } from '../db/jurisdiction.ts'
import { AppError } from '../http/errors.ts'
import { findUserByName, toPrincipal, type Principal } from '../auth/users.ts'

/** The user named by --as, or without it an operator at the console with city-wide command-centre rights. */
export async function principalFor(knex: Knex, username: string | undefined): Promise<Principal> {
  if (username) {
    const row = await findUserByName(knex, username)
    if (!row || row.disabled) throw new AppError(400, 'bad_request', `no enabled user ${username}`)
    return toPrincipal(row, 'user')
  }
  const cities = await knex('admin_division').where({ level: 'city' }).pluck('code')
  return {
    kind: 'user', userId: null, username: 'console', displayName: '控制台导入', role: 'command_center',
    departmentId: null, cityCode: null, jurisdiction: Jurisdiction.of(cities as string[]),
  }
}

/** Prints the usage line: exit 0 when asked for with --help, else 2. */
export function usage(text: string, help: boolean | undefined): number {
  process.stderr.write(`${text}\n`)
  return help ? 0 : 2
}

/**
 * A refusal (a 4xx AppError) printed as `<command>: <detail>`, then what it lists (`list`), then
 * that nothing was written: exit 1. Anything else is thrown again.
 */
export function refusal(command: string, err: unknown, list: (err: AppError) => void): number {
  if (!(err instanceof AppError) || err.status >= 500) throw err
  process.stderr.write(`${command}: ${err.detail}\n`)
  list(err)
  process.stderr.write('nothing was written\n')
  return 1
}

/** Runs the command's main and sets the exit code (a failure is printed as `<command>: <message>`). */
export async function runCommand(command: string, main: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await main()
  } catch (err) {
    process.stderr.write(`${command}: ${(err as Error).message}\n`)
    process.exitCode = err instanceof ConfigError ? 2 : 1
  }
}
