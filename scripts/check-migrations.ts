import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { schemaFiles } from '../drizzle.config.ts'

// Generates migrations from the Drizzle schema into a copy of the committed folder: drizzle-kit must
// report no changes, or the schema and the committed migrations have drifted apart.
const committed = 'server/src/db/migrations'

// PostgreSQL takes one statement per query in the extended protocol (PGlite takes several): every
// statement of a migration must stand between `--> statement-breakpoint` lines.
for (const file of readdirSync(committed).filter((f) => f.endsWith('.sql'))) {
  const pieces = readFileSync(`${committed}/${file}`, 'utf8').split('--> statement-breakpoint')
  pieces.forEach((piece, i) => {
    const code = piece
      .replace(/\$([a-z_]*)\$[\s\S]*?\$\1\$/gi, "''")
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(/--[^\n]*/g, '')
    const statements = code.split(';').filter((s) => s.trim() !== '')
    if (statements.length > 1) {
      console.error(
        `${file}: statement ${i + 1} holds ${statements.length} statements; put "--> statement-breakpoint" between them.`,
      )
      process.exitCode = 1
    }
  })
}
const dir = mkdtempSync('node_modules/.atrium-drift-')
try {
  cpSync(committed, dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  const r = spawnSync(
    'drizzle-kit',
    ['generate', '--dialect', 'postgresql', '--schema', schemaFiles, '--out', dir, '--name', 'drift'],
    { encoding: 'utf8' },
  )
  const output = `${r.stdout}${r.stderr}`
  const added = readdirSync(dir).filter((f) => !before.has(f))
  if (added.length) {
    console.error(
      `Schema and migrations have drifted: run "npm run db:generate" and commit the new migration.`,
    )
    process.exitCode = 1
  } else if (r.status !== 0 || !/No schema changes/i.test(output)) {
    console.error(`Could not compare the schema with the migrations:\n${output}`)
    process.exitCode = 1
  } else {
    console.log('migrations match the schema')
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
