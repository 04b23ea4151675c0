import { readFileSync } from 'node:fs'
import type { OutputBundle, OutputChunk } from 'rolldown'
import type { Plugin } from 'vite'

const bootSource = readFileSync(new URL('./boot.js', import.meta.url), 'utf8')

/** A route file's path under `src/routes/` (`_app/clients.$clientId`) as a pattern for `location.pathname`. */
export function routePattern(file: string): string {
  const segments = file
    .split('/')
    .flatMap((part) => part.split('.'))
    .filter((segment) => segment !== 'index' && !segment.startsWith('_'))
    .map((segment) => (segment.startsWith('$') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')))
  return `^/${segments.join('/')}$`
}

/** Every chunk a chunk imports statically, itself included. */
function closure(bundle: OutputBundle, name: string, into = new Set<string>()): Set<string> {
  if (into.has(name)) return into
  const chunk = bundle[name]
  if (chunk?.type !== 'chunk') return into
  into.add(name)
  for (const imported of chunk.imports) closure(bundle, imported, into)
  return into
}

/**
 * Inlines `build/boot.js` into index.html with the build's route map: for each page, the chunks of its
 * route components (layouts included) that the entry does not already load. The server allows the
 * inline script by its hash (`inlineScriptHashes` in kernel/http/web.ts).
 */
export function bootScript(): Plugin {
  return {
    name: 'atrium-boot-script',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const routes: [string, string[]][] = []
        if (ctx.bundle && ctx.chunk) {
          const bundle = ctx.bundle
          const initial = closure(bundle, ctx.chunk.fileName)
          const components = new Map<string, OutputChunk>()
          for (const output of Object.values(bundle)) {
            const match =
              output.type === 'chunk' &&
              output.facadeModuleId?.match(/\/src\/routes\/(.+)\.tsx\?tsr-split=component/)
            if (match) components.set(match[1]!, output as OutputChunk)
          }
          const files = (route: string) => {
            const chunk = components.get(route)
            return chunk ? [...closure(bundle, chunk.fileName)].filter((name) => !initial.has(name)) : []
          }
          for (const route of components.keys()) {
            if (route === '__root' || route === '_app') continue
            const layouts = ['__root', ...(route.startsWith('_app/') ? ['_app'] : [])]
            const chunks = new Set([...layouts.flatMap(files), ...files(route)])
            routes.push([routePattern(route), [...chunks].map((name) => name.replace(/^assets\//, ''))])
          }
          // Static segments win over parameters (`/clients/import` before `/clients/$clientId`).
          const params = (pattern: string) => pattern.split('[^/]+').length
          routes.sort((a, b) => params(a[0]) - params(b[0]) || b[0].length - a[0].length)
        }
        const script = bootSource
          .replace(/^\/\/.*\n/gm, '')
          .replace('ROUTE_CHUNKS', JSON.stringify(routes))
          .trim()
        // Before the stylesheet: a classic script after a stylesheet waits until the stylesheet has loaded.
        return html.replace('</title>', `</title>\n    <script>\n${script}\n    </script>`)
      },
    },
  }
}
