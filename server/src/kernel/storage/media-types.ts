/**
 * What a file is, decided from its bytes (`file-type` on the first 64 KB), checked against what its
 * name says and against an allow-list. Text has no signature: bytes that decode as UTF-8 without NUL
 * are text, and the name then picks which kind (`.csv`, `.md`…).
 */

/** Media type by file name extension, for the names the allow-list covers. */
export const TYPE_OF_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  js: 'text/javascript',
  zip: 'application/zip',
  gz: 'application/gzip',
  '7z': 'application/x-7z-compressed',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  doc: 'application/x-cfb',
  xls: 'application/x-cfb',
  ppt: 'application/x-cfb',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  exe: 'application/x-msdownload',
}

/** What is accepted when FILES_ALLOWED_TYPES is unset: no HTML, script, SVG or executable. */
export const DEFAULT_ALLOWED_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'image/tiff',
  'image/bmp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'application/json',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/wav',
  'video/mp4',
  'video/quicktime',
  'video/webm',
]

/** Types whose files are text: bytes without a signature may be any of these, as the name says. */
const TEXT_TYPES = new Set([
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'application/json',
  'application/xml',
  'text/html',
  'text/javascript',
  'image/svg+xml',
])

/** Zip containers whose inner type `file-type` may not reach within the sniffed bytes. */
const ZIP_BASED = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
])

/** `file-type`'s names that differ from the table above. */
const ALIASES: Readonly<Record<string, string>> = {
  'audio/x-m4a': 'audio/mp4',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-wav': 'audio/wav',
  'video/x-m4v': 'video/mp4',
  'application/x-gzip': 'application/gzip',
}

export const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
}

export type TypeVerdict =
  | { ok: true; type: string }
  | { ok: false; reason: 'mismatch' | 'not-allowed' | 'unknown'; detected: string; named: string | null }

/**
 * The stored media type of a file named `name` whose bytes are `detected` (a `file-type` result, or
 * `text` / `binary` when no signature matched), or why it is refused.
 */
export function decideType(name: string, detected: string, allowed: readonly string[]): TypeVerdict {
  const sniffed = ALIASES[detected] ?? detected
  const ext = extensionOf(name)
  const named = ext ? (TYPE_OF_EXTENSION[ext] ?? null) : null
  let type: string
  if (sniffed === 'binary') {
    return { ok: false, reason: 'unknown', detected: 'application/octet-stream', named }
  } else if (sniffed === 'text') {
    if (named && !TEXT_TYPES.has(named))
      return { ok: false, reason: 'mismatch', detected: 'text/plain', named }
    type = named ?? 'text/plain'
  } else {
    if (named && named !== sniffed && !(sniffed === 'application/zip' && ZIP_BASED.has(named)))
      return { ok: false, reason: 'mismatch', detected: sniffed, named }
    type = named ?? sniffed
  }
  if (!isAllowed(type, allowed)) return { ok: false, reason: 'not-allowed', detected: type, named }
  return { ok: true, type }
}

export function isAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === type || (a.endsWith('/*') && type.startsWith(a.slice(0, -1))))
}

/** Types a browser may show in place (`inline`); everything else downloads as an attachment. */
export const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'application/pdf',
  'text/plain',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/wav',
  'video/mp4',
  'video/webm',
])

/** Without control characters (C0, DEL, C1) or bidirectional overrides, which can disguise a name. */
export function withoutControls(text: string): string {
  let out = ''
  for (const ch of text.toWellFormed()) {
    const c = ch.codePointAt(0)!
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f)
    const bidi = c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
    if (!control && !bidi) out += ch
  }
  return out
}
