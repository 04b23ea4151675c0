import { useSyncExternalStore } from 'react'

// Loaded by realtime.ts with socket.io-client (out of the first-load bundle) and by the pages that show it.

export type PresenceState = 'online' | 'away' | 'offline'
type Socket = import('socket.io-client').Socket
type PresenceList = { ok: boolean; users?: { userId: string; state: PresenceState }[] }

const states = new Map<string, PresenceState>()
const listeners = new Set<() => void>()
const notify = () => {
  for (const listener of listeners) listener()
}
const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

/** A workspace member's presence (`offline` until the socket has said otherwise). */
export function usePresence(userId: string | null | undefined): PresenceState {
  return useSyncExternalStore(subscribe, () => (userId ? (states.get(userId) ?? 'offline') : 'offline'))
}

const own = (): 'online' | 'away' => (document.visibilityState === 'hidden' ? 'away' : 'online')

/**
 * Follows the workspace's presence on a socket: everyone's (`presence:list`) on every connect, then the
 * `presence` changes; says `away` while the tab is hidden and `online` when it is shown again. Stops and
 * forgets when the app closes the socket (sign-out, another workspace).
 */
export function attachPresence(socket: Socket): void {
  const onConnect = () => {
    // A new socket starts online on the server.
    if (own() === 'away') socket.emit('presence', { state: 'away' })
    socket.emit('presence:list', (answer: PresenceList) => {
      if (!answer?.ok || !answer.users) return
      states.clear()
      for (const u of answer.users) states.set(u.userId, u.state)
      notify()
    })
  }
  const onPresence = (p: { userId: string; state: PresenceState }) => {
    if (p.state === 'offline') states.delete(p.userId)
    else states.set(p.userId, p.state)
    notify()
  }
  const onVisibility = () => {
    if (socket.connected) socket.emit('presence', { state: own() })
  }
  const detach = (reason: string) => {
    if (reason !== 'io client disconnect') return
    socket.off('connect', onConnect)
    socket.off('presence', onPresence)
    socket.off('disconnect', detach)
    document.removeEventListener('visibilitychange', onVisibility)
    states.clear()
    notify()
  }
  socket.on('connect', onConnect)
  socket.on('presence', onPresence)
  socket.on('disconnect', detach)
  document.addEventListener('visibilitychange', onVisibility)
  if (socket.connected) onConnect()
}
