// The `atrium` command's entry point: prepares module loading for the process (boot.ts), then loads
// and runs the CLI (cli.ts) with every module of the app.
import { prepareModuleLoading } from './boot.ts'

prepareModuleLoading()
await import('./cli.ts')
