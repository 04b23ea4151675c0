// Inlined into index.html's <head> at build time (see build/boot-plugin.ts); runs before the app's code
// arrives. It applies the stored theme before the first paint, asks for the current page's code
// (`<link rel=modulepreload>`, from the build's route map ROUTE_CHUNKS) and for the data the page shows
// first, and warms the browser's Intl data, so none of this waits for the app's bundle to load and run.
;(() => {
  const root = document.documentElement
  let preference = 'system'
  try {
    preference = localStorage.getItem('atrium.theme') || 'system'
  } catch {}
  const dark =
    preference === 'dark' ||
    (preference === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches)
  root.classList.toggle('dark', dark)
  root.style.colorScheme = dark ? 'dark' : 'light'

  const path = location.pathname.replace(/\/+$/, '') || '/'
  for (const [pattern, files] of ROUTE_CHUNKS) {
    if (!new RegExp(pattern).test(path)) continue
    for (const file of files) {
      const link = document.createElement('link')
      link.rel = 'modulepreload'
      link.crossOrigin = ''
      link.href = `/assets/${file}`
      document.head.appendChild(link)
    }
    break
  }

  // GET requests the app makes first, started now; lib/api.ts takes each response once, within 15 s.
  const started = Date.now()
  const prefetched = new Map()
  // The body is read at once, so a response the app never takes (it went to sign-in) is not left open.
  const get = (url) =>
    prefetched.set(
      url,
      fetch(url, {
        credentials: 'include',
        headers: { accept: 'application/json, application/problem+json' },
      }).then(async (response) => {
        const body = response.status === 204 || response.status === 304 ? null : await response.blob()
        const { status, statusText, headers } = response
        return new Response(body, { status, statusText, headers })
      }),
    )
  window.__atriumPrefetch = (url) => {
    const response = prefetched.get(url)
    prefetched.delete(url)
    return response && Date.now() - started < 15_000 ? response : undefined
  }
  if (!/^\/(sign-in|sign-up|forgot-password|reset-password|verify-email)$/.test(path)) get('/api/v1/me')
  if (path === '/clients' && !location.search) {
    get('/api/v1/clients?limit=50')
    get('/api/v1/clients/count')
    get('/api/v1/custom-fields')
    get('/api/v1/clients/views')
  }

  // The first Intl formatter or collator of a page loads the locale's data, which takes a noticeable
  // time on slow devices; do it while the bundle is still on the network.
  setTimeout(() => {
    try {
      const locale = root.lang || 'en'
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(0)
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(0)
      new Intl.NumberFormat(locale).format(1)
      new Intl.PluralRules(locale).select(1)
      'a'.localeCompare('b')
    } catch {}
  }, 0)
})()
