import { useCallback, useEffect, useRef, useState } from 'react'
import { currentRealtime, type RealtimeConnection } from '../../lib/realtime.ts'

/** How often a typing signal is sent while the user keeps typing, and how long one is shown. */
const SEND_EVERY_MS = 2500
const SHOW_FOR_MS = 4000

/**
 * Typing in a conversation: `typing()` (called on each keystroke) sends at most one `typing` signal per
 * 2.5 s through the conversation's room; `typers` are the other users whose signal arrived in the last
 * 4 s. `stopped(userId)` forgets a typer at once (their message arrived).
 */
export function useTyping(conversationId: string | undefined, meId: string) {
  const rt = useRealtimeConnection()
  const room = conversationId ? `conversation:${conversationId}` : null
  const [typers, setTypers] = useState<string[]>([])
  const seen = useRef(new Map<string, number>())
  const lastSent = useRef(0)

  useEffect(() => {
    seen.current.clear()
    setTypers([])
    if (!room) return
    const prune = () => {
      const now = Date.now()
      for (const [user, at] of seen.current) if (now - at > SHOW_FOR_MS) seen.current.delete(user)
      setTypers((before) => {
        const next = [...seen.current.keys()]
        return before.length === next.length && before.every((u, i) => u === next[i]) ? before : next
      })
    }
    const off = rt?.onSignal((s) => {
      if (s.room !== room || s.type !== 'typing' || s.userId === meId) return
      seen.current.set(s.userId, Date.now())
      prune()
    })
    const timer = setInterval(prune, 1000)
    return () => {
      off?.()
      clearInterval(timer)
    }
  }, [room, meId, rt])

  const typing = useCallback(() => {
    if (!room) return
    const now = Date.now()
    if (now - lastSent.current < SEND_EVERY_MS) return
    lastSent.current = now
    rt?.signal(room, 'typing')
  }, [room, rt])

  const sent = useCallback(() => {
    lastSent.current = 0
  }, [])

  const stopped = useCallback((userId: string) => {
    if (seen.current.delete(userId)) setTypers([...seen.current.keys()])
  }, [])

  return { typers, typing, sent, stopped }
}

/** The signed-in app's realtime connection, once the layout has started it. */
function useRealtimeConnection(): RealtimeConnection | null {
  const [rt, setRt] = useState(currentRealtime)
  useEffect(() => {
    if (rt) return
    const timer = setInterval(() => {
      const connection = currentRealtime()
      if (connection) {
        setRt(connection)
        clearInterval(timer)
      }
    }, 200)
    return () => clearInterval(timer)
  }, [rt])
  return rt
}

/** Joins the conversation's realtime room while the page shows it (events and typing arrive then). */
export function useConversationRoom(conversationId: string | undefined) {
  const rt = useRealtimeConnection()
  useEffect(() => {
    if (!conversationId || !rt) return
    return rt.join(`conversation:${conversationId}`)
  }, [conversationId, rt])
}
