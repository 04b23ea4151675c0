import { createRequire } from 'node:module'
import type { MarkdownIt, default as MarkdownItConstructor } from 'markdown-it'

const SAFE_LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i

/**
 * Message bodies are stored as their markdown source and rendered here, by markdown-it with raw HTML
 * disabled: any `<tag>` in a message is shown as text, never parsed. Links keep only http(s), mailto
 * and relative targets (no `javascript:`, `data:`, `vbscript:`), open in a new tab without the opener,
 * and images are not rendered (attachments carry pictures). What remains is markdown-it's own output,
 * whose attributes it escapes. markdown-it is loaded by the first message rendered (a server nobody
 * writes to does not hold it).
 */
let md: MarkdownIt | undefined
function markdown(): MarkdownIt {
  if (md) return md
  const Markdown = createRequire(import.meta.url)('markdown-it') as typeof MarkdownItConstructor
  const m = new Markdown({ html: false, linkify: true, breaks: true, typographer: false })
  m.disable(['image'])
  m.validateLink = (url: string) => SAFE_LINK.test(url.trim())
  const defaultLinkOpen =
    m.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
  m.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]
    if (token) {
      token.attrSet('rel', 'noopener noreferrer nofollow')
      token.attrSet('target', '_blank')
    }
    return defaultLinkOpen(tokens, idx, options, env, self)
  }
  md = m
  return m
}

/** The HTML of a message body, safe to insert into a page as it is. */
export function renderMarkdown(source: string): string {
  if (!source) return ''
  return markdown().render(source)
}

/** The body as plain words, for search documents and previews. */
export function plainText(source: string): string {
  return source
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ' '))
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_~`>#|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

export type MemberName = { id: string; name: string; email: string }

const MENTION = /(^|[^\p{L}\p{N}_@.])@(?:"([^"\n]{1,80})"|([\p{L}\p{N}][\p{L}\p{N}._-]{0,63}))/gu
const CHANNEL = new Set(['channel', 'here', 'everyone'])

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, '')

/**
 * The mentions in a body: `@channel` (or `@here`, `@everyone`) and members named by `@"Full Name"`,
 * `@fullname` (the name without spaces), `@first` (a first name only one member has) or the local part
 * of their email. Text in code spans and blocks is not read.
 */
export function parseMentions(
  source: string,
  members: readonly MemberName[],
): { userIds: string[]; channel: boolean } {
  const text = source.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ')
  const userIds = new Set<string>()
  let channel = false
  const firstNames = new Map<string, string[]>()
  for (const m of members) {
    const first = m.name.trim().split(/\s+/)[0]?.toLowerCase()
    if (first) firstNames.set(first, [...(firstNames.get(first) ?? []), m.id])
  }
  for (const match of text.matchAll(MENTION)) {
    const quoted = match[2]
    const word = match[3]?.replace(/[._-]+$/, '')
    if (quoted) {
      const q = squash(quoted)
      for (const m of members) if (squash(m.name) === q) userIds.add(m.id)
      continue
    }
    if (!word) continue
    const w = word.toLowerCase()
    if (CHANNEL.has(w)) {
      channel = true
      continue
    }
    const found = members.filter((m) => squash(m.name) === w || m.email.toLowerCase().split('@')[0] === w)
    if (found.length) for (const m of found) userIds.add(m.id)
    else {
      const byFirst = firstNames.get(w)
      if (byFirst?.length === 1 && byFirst[0]) userIds.add(byFirst[0])
    }
  }
  return { userIds: [...userIds], channel }
}
