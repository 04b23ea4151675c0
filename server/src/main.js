// The `atrium` command's entry point (`node server/src/main.js <command>`). It is JavaScript so that
// Node loads no TypeScript before V8's compile cache is on: the first TypeScript file Node strips
// loads its type stripper (a 3.7 MB script and a WebAssembly instance, ~13 MiB of RSS for the life
// of the process), while files found in the cache are not stripped again (docs/operations.md,
// Footprint). Then it prepares module loading (boot.ts) and runs the CLI (cli.ts).
import module from 'node:module'

module.enableCompileCache?.()
const { prepareModuleLoading } = await import('./boot.ts')
prepareModuleLoading()
await import('./cli.ts')
