import { existsSync, readFileSync } from 'node:fs'
import module from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'

/**
 * Makes this process load its ~1,700 modules faster and with less garbage. Call it before the app's
 * modules load (main.ts does, then imports the CLI).
 *
 * - V8's compile cache (`module.enableCompileCache`, Node's temporary folder unless NODE_COMPILE_CACHE
 *   names one) keeps compiled code and type-stripped TypeScript between runs of the same files.
 * - Node 24 parses a package's whole `package.json` `exports` map every time it looks up the package
 *   scope of a file inside it, which it does once per import it resolves there. drizzle-orm's map is
 *   179 KB and its 112 files import each other thousands of times: 1.3 s of CPU and ~250 MB of garbage
 *   at start-up, which also grew V8's young generation to 128 MB for the life of the process
 *   (docs/operations.md, Footprint). The resolve hook below answers those lookups from small caches.
 */
export function prepareModuleLoading(): void {
  module.enableCompileCache?.()
  if (typeof module.registerHooks === 'function') module.registerHooks({ resolve: cachedResolve })
  // V8 doubles its young generation whenever most of it survives a collection, and nearly everything
  // allocated while modules load survives: it grew to 64 MB during start-up and kept those pages
  // while idle. It keeps its first size until startupDone(), and grows as usual from then on.
  if (!youngGenerationTuned()) v8.setFlagsFromString('--semi-space-growth-factor=1')
}

/** Start-up is over (the server listens): the young generation may grow with the load again. */
export function startupDone(): void {
  if (!youngGenerationTuned()) v8.setFlagsFromString('--semi-space-growth-factor=2') // V8's default
}

/** Whoever starts node with their own young generation settings keeps them. */
const youngGenerationTuned = () =>
  /semi[-_]space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)

type ResolveHook = NonNullable<Parameters<typeof module.registerHooks>[0]['resolve']>
type Resolved = ReturnType<ResolveHook>

/** The `type` of the package.json nearest to a folder ('module', 'commonjs' or null when unset). */
const packageTypes = new Map<string, string | null>()
function packageType(dir: string): string | null {
  let type = packageTypes.get(dir)
  if (type !== undefined) return type
  let raw: string | undefined
  try {
    raw = readFileSync(`${dir}/package.json`, 'utf8')
  } catch {}
  if (raw !== undefined) {
    try {
      const t = (JSON.parse(raw) as { type?: unknown }).type
      type = t === 'module' || t === 'commonjs' ? t : null
    } catch {
      type = null
    }
  } else {
    const up = dirname(dir)
    type = up === dir ? null : packageType(up)
  }
  packageTypes.set(dir, type)
  return type
}

/**
 * The nearest folder, from `dir` up, that holds a package.json or a node_modules folder. A bare
 * specifier resolves the same from every file whose folder leads to the same such folder: Node looks
 * for the package scope and for node_modules folders upwards, and none exists in between.
 */
const lookupRoots = new Map<string, string>()
function lookupRoot(dir: string): string {
  let root = lookupRoots.get(dir)
  if (root !== undefined) return root
  const up = dirname(dir)
  root =
    existsSync(`${dir}/package.json`) || existsSync(`${dir}/node_modules`) || up === dir
      ? dir
      : lookupRoot(up)
  lookupRoots.set(dir, root)
  return root
}

const bareResolved = new Map<string, Resolved>()

const cachedResolve: ResolveHook = (specifier, context, next) => {
  const parent = context.parentURL
  if (!parent?.startsWith('file:') || !context.conditions?.includes('import')) return next(specifier, context)
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    // A relative import with its extension inside an installed package: the file's URL is the
    // specifier against its parent, its format is fixed by the extension or the package's `type`.
    // Anything else (our own TypeScript, no extension, import attributes) goes to Node.
    if (!parent.includes('/node_modules/') || Object.keys(context.importAttributes ?? {}).length > 0)
      return next(specifier, context)
    const ext = /\.(m?js|cjs)$/.exec(specifier)?.[1]
    if (!ext) return next(specifier, context)
    const url = new URL(specifier, parent)
    const format =
      ext === 'mjs' ? 'module' : ext === 'cjs' ? 'commonjs' : packageType(dirname(fileURLToPath(url)))
    if (!format) return next(specifier, context)
    return { url: url.href, format, shortCircuit: true }
  }
  // Bare package specifiers ('drizzle-orm', 'zod/v4'): resolved once per lookup folder.
  if (/^(\/|#|[a-z][a-z0-9+.-]*:)/i.test(specifier)) return next(specifier, context)
  const key = [
    lookupRoot(dirname(fileURLToPath(parent))),
    specifier,
    context.conditions.join(','),
    JSON.stringify(context.importAttributes ?? {}),
  ].join('\0')
  const cached = bareResolved.get(key)
  if (cached) return cached
  const resolved = next(specifier, context)
  bareResolved.set(key, { ...resolved, shortCircuit: true })
  return resolved
}
