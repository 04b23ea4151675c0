// Where the clients benchmark's servers listen, and one signed-in GET with its timing.
export const PORT = 3803
export const BASELINE_PORT = 3903
export const APP_URL = `http://localhost:${PORT}`
export const BASE = `http://127.0.0.1:${PORT}`

export async function getJson(path: string, cookie: string) {
  const t = performance.now()
  const r = await fetch(`${BASE}${path}`, { headers: { cookie } })
  const text = await r.text()
  const ms = performance.now() - t
  let body: any = null
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: r.status, body, text, ms }
}
