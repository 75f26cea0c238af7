// What every route module gets: configuration, database, logger, token service.
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { Config } from './config.ts'
import type { DatabaseMode } from './db/index.ts'
import type { TokenService } from './auth/tokens.ts'
import type { Catalogue } from '../tiles/catalogue.ts'

export interface AppContext {
  config: Config
  knex: Knex
  dbMode: DatabaseMode
  logger: Logger
  tokens: TokenService
  /** LISTEN on a database channel (server/db/index.ts Database.listen); feeds the live stream. */
  listen: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>
  /** Map layers for tiles, WMS, WFS and OGC API Features. */
  catalogue: Catalogue
  startedAt: Date
}
