// The same entry point as main.js, for commands that still name this file. Prefer main.js: Node
// strips this file's types before the compile cache is on, which keeps its type stripper loaded
// (~13 MiB of RSS; docs/operations.md, Footprint).
import { prepareModuleLoading } from './boot.ts'

prepareModuleLoading()
await import('./cli.ts')
