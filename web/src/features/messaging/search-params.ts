/** The messages page's URL: the open conversation, a message to jump to, an open thread, a dialog. */
export type MessagesSearch = {
  c?: string
  m?: string
  thread?: string
  new?: 'channel' | 'direct'
}

const id = (value: unknown, prefix: string) =>
  typeof value === 'string' && new RegExp(`^${prefix}_[0-9a-f]{32}$`).test(value) ? value : undefined

// Zod-free: a route's validateSearch is in the entry bundle.
export function parseMessagesSearch(search: Record<string, unknown>): MessagesSearch {
  return {
    c: id(search.c, 'cnv'),
    m: id(search.m, 'msg'),
    thread: id(search.thread, 'msg'),
    new: search.new === 'channel' || search.new === 'direct' ? search.new : undefined,
  }
}
