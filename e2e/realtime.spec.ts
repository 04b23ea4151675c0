import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('after sign-in the app opens its realtime socket with the session cookie', async ({ page }) => {
  test.setTimeout(120_000)
  const user = person('Rita Realtime')
  await signUp(page, user)
  await verifyEmail(page, user)
  // Every Socket.IO socket the page opens, with the CONNECT answers it received (a socket opened before
  // the workspace exists is refused; the one after is accepted).
  const accepted: { payload: string; closed: () => boolean }[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return
    ws.on('framereceived', (f) => {
      const payload = String(f.payload)
      if (payload.startsWith('40')) accepted.push({ payload, closed: () => ws.isClosed() })
    })
  })
  await signIn(page, user)
  await createWorkspace(page, 'Live Co', `live-co-${uniqueSuffix()}`)
  // Socket.IO's CONNECT answer: the server accepted the cookie from the app's own origin.
  await expect.poll(() => accepted.length, { timeout: 20_000 }).toBeGreaterThan(0)
  expect(accepted[0]!.payload).toMatch(/^40\{"sid":/)
  expect(accepted[0]!.closed()).toBe(false)
})
