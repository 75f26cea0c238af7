// Root hooks: close the shared test database once every file has run.
import { closeTestDatabase } from './db.ts'

after(async function () {
  this.timeout(60_000)
  await closeTestDatabase()
})
