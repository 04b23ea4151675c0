import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const dataDir = () => mkdtempSync(join(tmpdir(), 'atrium-config-'))

describe('loadConfig', () => {
  it('starts with no settings at all and generates a secret once', () => {
    const dir = dataDir()
    const a = loadConfig({ DATA_DIR: dir })
    expect(a.port).toBe(3000)
    expect(a.appUrl).toBe('http://localhost:3000')
    expect(a.databaseUrl).toBeUndefined()
    expect(a.devMail).toBe(true)
    expect(a.secretKey.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(join(dir, 'secret.key'), 'utf8').trim()).toBe(a.secretKey)
    expect(loadConfig({ DATA_DIR: dir }).secretKey).toBe(a.secretKey)
  })

  it('names every wrong variable', () => {
    expect(() =>
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' }),
    ).toThrow(ConfigError)
    try {
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' })
    } catch (err) {
      const msg = (err as Error).message
      expect(msg).toContain('PORT')
      expect(msg).toContain('DATABASE_URL')
      expect(msg).toContain('SECRET_KEY')
    }
  })

  it('uses Secure cookies behind https and turns the dev inbox off in production', () => {
    const c = loadConfig({
      DATA_DIR: dataDir(),
      APP_URL: 'https://atrium.example.com/',
      NODE_ENV: 'production',
    })
    expect(c.appUrl).toBe('https://atrium.example.com')
    expect(c.secureCookies).toBe(true)
    expect(c.devMail).toBe(false)
  })
})
