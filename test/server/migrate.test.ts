import { expect } from 'chai'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { migrate, MigrationError, readMigrations } from '../../server/db/migrate.ts'
import { getTestDb } from '../support/db.ts'

describe('migrations', () => {
  it('brought the empty test database to the latest version', async () => {
    const knex = await getTestDb()
    const rows = await knex('schema_migration').orderBy('version').pluck('name')
    expect(rows).to.deep.equal(readMigrations().map((m) => m.name))
    const tables = await knex('information_schema.tables').where({ table_schema: 'public' }).pluck('table_name')
    expect(tables).to.include.members(['admin_division', 'grid', 'department', 'app_user', 'user_jurisdiction', 'api_key',
      'grid_member', 'grid_assignment', 'component_class', 'component', 'event_class', 'std_address'])
  })

  it('is idempotent: a second run applies nothing', async () => {
    expect(await migrate(await getTestDb())).to.deep.equal([])
  })

  describe('in a scratch schema', () => {
    const schema = `mig_${process.pid}`
    let dir: string
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-mig-')) })
    afterEach(async () => {
      await (await getTestDb()).raw("DROP SCHEMA IF EXISTS ?? CASCADE", [schema])
      fs.rmSync(dir, { recursive: true, force: true })
    })

    it('rolls back a failing migration whole and keeps the ones before it', async () => {
      const knex = await getTestDb()
      fs.writeFileSync(path.join(dir, '0001_ok.sql'), 'CREATE TABLE t1 (id int);')
      fs.writeFileSync(path.join(dir, '0002_half.sql'), 'CREATE TABLE t2 (id int);\nINSERT INTO t2 VALUES (1);\nSELECT 1/0;')
      const err = await migrate(knex, { dir, schema }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(MigrationError)
      expect((err as Error).message).to.match(/0002_half\.sql failed and was rolled back: division by zero/)
      const tables = await knex('information_schema.tables').where({ table_schema: schema }).orderBy('table_name').pluck('table_name')
      expect(tables).to.deep.equal(['schema_migration', 't1'])
      expect(await knex(`${schema}.schema_migration`).pluck('name')).to.deep.equal(['0001_ok.sql'])
      // fixed, it applies on the next start
      fs.writeFileSync(path.join(dir, '0002_half.sql'), 'CREATE TABLE t2 (id int);')
      expect(await migrate(knex, { dir, schema })).to.deep.equal(['0002_half.sql'])
    })

    it('refuses a migration edited after it was applied', async () => {
      const knex = await getTestDb()
      fs.writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE a (id int);')
      await migrate(knex, { dir, schema })
      fs.writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE a (id bigint);')
      const err = await migrate(knex, { dir, schema }).catch((e: unknown) => e)
      expect((err as Error).message).to.match(/0001_a\.sql was changed after it was applied/)
    })

    it('refuses an unsafe schema name', async () => {
      const err = await migrate(await getTestDb(), { dir, schema: 'x; drop table grid' }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(MigrationError)
    })
  })
})
