/** The messages page's URL: the open conversation, a message to jump to, an open thread, a dialog. */
export type MessagesSearch = {
  c?: string
  m?: string
  thread?: string
  new?: 'channel' | 'direct'
}

const ID = /^[a-z]{3}_[0-9a-f]{32}$/
const id = (value: unknown) => (typeof value === 'string' && ID.test(value) ? value : undefined)

// Zod-free: a route's validateSearch is in the entry bundle. The API checks the ids' kinds.
export function parseMessagesSearch(search: Record<string, unknown>): MessagesSearch {
  return {
    c: id(search.c),
    m: id(search.m),
    thread: id(search.thread),
    new: search.new === 'channel' || search.new === 'direct' ? search.new : undefined,
  }
}
