/** Room names inside Socket.IO: every room is scoped by its workspace. */
export const rooms = {
  workspace: (ws: string) => `w:${ws}`,
  user: (ws: string, userId: string) => `u:${ws}:${userId}`,
  resource: (ws: string, room: string) => `r:${ws}:${room}`,
  /** The Socket.IO room of a stored event's room (`workspace`, `user:<id>`, `<kind>:<id>`). */
  ofEvent(ws: string, room: string): string {
    if (room === 'workspace') return rooms.workspace(ws)
    if (room.startsWith('user:')) return rooms.user(ws, room.slice(5))
    return rooms.resource(ws, room)
  },
}
