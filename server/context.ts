// What every route module gets: configuration, database, logger, token service.
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { Config } from './config.ts'
import type { Database, DatabaseMode } from './db/index.ts'
import type { TokenService } from './auth/tokens.ts'
import type { Catalogue } from '../tiles/catalogue.ts'

export interface AppContext {
  config: Config
  knex: Knex
  /** Lag-tolerant reads (tiles, WMS/WFS/OGC API Features, analytics): the read replica, or `knex`. */
  knexRead: Knex
  dbMode: DatabaseMode
  logger: Logger
  tokens: TokenService
  /** LISTEN on a database channel (server/db/index.ts Database.listen); feeds the live stream. */
  listen: Database['listen']
  /** Map layers for tiles, WMS, WFS and OGC API Features. */
  catalogue: Catalogue
  startedAt: Date
}
