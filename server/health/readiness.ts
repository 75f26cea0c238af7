import type { Knex } from 'knex'
import { sqlFile } from '../db/sql.ts'

export interface Readiness { postgis: string; postgres: string; schema_version: string | null }

export async function databaseReadiness(knex: Knex): Promise<Readiness> {
  const { rows } = await knex.raw(sqlFile('health_readiness'))
  return rows[0]
}
