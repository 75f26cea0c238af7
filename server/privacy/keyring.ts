// The process's data keyring (encryption.ts), loaded once from the environment: the registers seal
// ID numbers with it, the demo generator too. boot() loads it first so a production start without
// GRIDGOV_DATA_KEY fails at once instead of at the first register write.
import { loadDataKeyring, type DataKeyring } from './encryption.ts'

let keyring: DataKeyring | undefined

export function dataKeyring(warn?: (m: string) => void): DataKeyring {
  keyring ??= loadDataKeyring(process.env, warn)
  return keyring
}
