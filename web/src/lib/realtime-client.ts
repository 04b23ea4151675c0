import { io, type Socket } from 'socket.io-client'
import { attachPresence } from './presence.ts'

/** What realtime.ts loads once signed in, out of the first-load bundle: the socket, with presence. */
export function connect(): Socket {
  const socket = io({ path: '/socket.io/', withCredentials: true, transports: ['websocket', 'polling'] })
  attachPresence(socket)
  return socket
}
