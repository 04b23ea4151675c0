import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A review aid, not a gate: source files over 400 lines, largest first. A long file is often two
 * modules, or a function that wants splitting.
 */
const LIMIT = Number(process.argv[2] ?? 400)
const roots = ['server/src', 'web/src', 'contracts', 'bench', 'scripts', 'e2e']
const skip = /(node_modules|dist|migrations|routeTree\.gen\.ts|\.json$)/

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (skip.test(path)) continue
    if (statSync(path).isDirectory()) yield* files(path)
    else if (/\.(ts|tsx)$/.test(name)) yield path
  }
}

const long = roots
  .flatMap((root) => [...files(root)])
  .map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length }))
  .filter((f) => f.lines > LIMIT)
  .sort((a, b) => b.lines - a.lines)
if (!long.length) console.log(`No source file is over ${LIMIT} lines.`)
else {
  console.log(`Source files over ${LIMIT} lines (a guide for review, not a failure):`)
  for (const f of long) console.log(`  ${String(f.lines).padStart(5)}  ${f.path}`)
}
