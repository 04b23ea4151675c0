import { expect, test } from './fixtures.ts'
import { createWorkspace, person, signIn, signUp, uniqueSuffix, verifyEmail } from './helpers.ts'

test('after sign-in the app opens its realtime socket with the session cookie', async ({ page }) => {
  test.setTimeout(120_000)
  const user = person('Rita Realtime')
  await signUp(page, user)
  await verifyEmail(page, user)
  const opened = page.waitForEvent('websocket', (ws) => ws.url().includes('/socket.io/'))
  await signIn(page, user)
  await createWorkspace(page, 'Live Co', `live-co-${uniqueSuffix()}`)
  const socket = await opened
  // Socket.IO's CONNECT answer: the server accepted the cookie from the app's own origin.
  const accepted = await socket.waitForEvent('framereceived', {
    predicate: (f) => String(f.payload).startsWith('40'),
    timeout: 20_000,
  })
  expect(String(accepted.payload)).toMatch(/^40\{"sid":/)
  expect(socket.isClosed()).toBe(false)
})
