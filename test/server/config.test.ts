import { expect } from 'chai'
import path from 'node:path'
import { ConfigError, loadConfig } from '../../server/config.ts'

describe('configuration', () => {
  it('has a default for every key', () => {
    const c = loadConfig({})
    expect(c.port).to.equal(3000)
    expect(c.databaseUrl).to.equal(undefined)
    expect(c.dataDir).to.equal(path.resolve('./data'))
    expect(c.logLevel).to.equal('info')
    expect(c.seedDemo).to.equal(true)
  })

  it('reads and converts environment values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u:p@db:5432/x', LOG_LEVEL: 'debug', DATA_DIR: '/tmp/g' })
    expect(c).to.include({ port: 8080, databaseUrl: 'postgres://u:p@db:5432/x', logLevel: 'debug', dataDir: '/tmp/g' })
    expect(c.seedDemo, 'no demo data into an external database unless asked').to.equal(false)
  })

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).to.equal(3000)
  })

  for (const [key, value, words] of [
    ['PORT', 'eighty', 'whole number'], ['PORT', '70000', '65535'], ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['DATABASE_URL', 'mysql://x', 'postgres://'], ['DB_POOL_MAX', '0', 'DB_POOL_MAX'], ['SEED_DEMO', 'maybe', 'SEED_DEMO'],
  ] as const) {
    it(`refuses ${key}=${value} naming the key`, () => {
      expect(() => loadConfig({ [key]: value })).to.throw(ConfigError, key).and.satisfy((e: Error) => e.message.includes(words))
    })
  }

  it('lists every bad key at once and never echoes secrets', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y', DATABASE_URL: 'mysql://root:hunter2@h/db' })
      expect.fail('should throw')
    } catch (e) {
      expect((e as ConfigError).problems).to.have.length(3)
      expect((e as Error).message).not.to.include('hunter2')
    }
  })

  it('requires AUTH_SECRET and refuses demo data in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, 'AUTH_SECRET')
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), SEED_DEMO: 'true' })).to.throw(ConfigError, 'SEED_DEMO')
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) }).seedDemo).to.equal(false)
  })
})
