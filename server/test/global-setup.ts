import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import pino from 'pino'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../src/kernel/db/index.ts'
import { Jobs } from '../src/kernel/jobs/index.ts'
import { adminUrl, engine } from './engine.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    template: { engine: 'pglite'; file: string } | { engine: 'postgres'; url: string; name: string }
  }
}

/** Migrates one template database per run; every test file clones it (fresh database per file). */
export default async function setup(project: TestProject) {
  const log = pino({ level: 'silent' })
  if (engine() === 'postgres') {
    const admin = adminUrl()
    const name = `atrium_tpl_${randomBytes(4).toString('hex')}`
    const root = await openDatabase({ url: admin.toString(), poolSize: 1 })
    await root.query(`create database ${name}`)
    const url = new URL(admin)
    url.pathname = `/${name}`
    const db = await openDatabase({ url: url.toString(), poolSize: 2 })
    await db.migrate()
    const jobs = new Jobs(db, log)
    await jobs.start({ work: false })
    await jobs.stop()
    await db.close()
    project.provide('template', { engine: 'postgres', url: admin.toString(), name })
    return async () => {
      await root.query(`drop database if exists ${name} with (force)`)
      const clones = await root.query<{ datname: string }>(
        `select datname from pg_database where datname like $1`,
        [`${name}_%`],
      )
      for (const c of clones) await root.query(`drop database if exists ${c.datname} with (force)`)
      await root.close()
    }
  }
  const pglite = await PGlite.create({ extensions: { pg_trgm, btree_gin, fuzzystrmatch } })
  const db = await openDatabase({ pglite })
  await db.migrate()
  const jobs = new Jobs(db, log)
  await jobs.start({ work: false })
  await jobs.stop()
  const dump = await pglite.dumpDataDir('none')
  const dir = mkdtempSync(join(tmpdir(), 'atrium-tpl-'))
  const file = join(dir, 'template.tar')
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  await pglite.close()
  project.provide('template', { engine: 'pglite', file })
  return () => rmSync(dir, { recursive: true, force: true })
}
