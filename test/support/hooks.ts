// Root hooks: the shared test database is created once before any file runs (the embedded
// PostGIS takes ~20 s to start on an idle machine, much longer on a loaded one), and closed
// once every file has run.
import { closeTestDatabase, getTestDatabase } from './db.ts'

before(async function () {
  this.timeout(15 * 60_000)
  await getTestDatabase()
})

after(async function () {
  this.timeout(60_000)
  await closeTestDatabase()
})
