#!/usr/bin/env node
// The `atrium` command: runs the CLI on the Node.js pinned by the project (the `node` package),
// whatever node started this script.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pinned = join(root, 'node_modules', 'node', 'bin', 'node')
const node = existsSync(pinned) ? pinned : process.execPath
const child = spawn(node, [join(root, 'server', 'src', 'main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
