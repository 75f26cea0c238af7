// Backup and restore run from the command line, not over HTTP: their refusals are plain errors
// with a stable code (for tests and scripts) and an English message for the operator.
export class BackupError extends Error {
  override name = 'BackupError'
  constructor(readonly code: string, message: string) {
    super(message)
  }
}
