import type { TFunction } from 'i18next'
import type { DocKind } from './api.ts'

/** Each kind's strings live under its own key (`invoices`, `quotes`, `creditNotes`), in the same shape. */
const namespaces = { invoice: 'invoices', quote: 'quotes', credit_note: 'creditNotes' } as const

/** The strings the shared list, editor and actions read for every kind. */
export type KindKey =
  | 'title'
  | 'description'
  | 'new'
  | 'noAccess'
  | 'noWriteAccess'
  | 'list.title'
  | 'list.count'
  | 'list.empty'
  | 'list.emptyHint'
  | 'list.noMatch'
  | 'search.label'
  | 'search.placeholder'
  | 'detail.sendTitle'
  | 'detail.sendHint'
  | 'detail.sent'
  | 'detail.emailAgainTitle'
  | 'detail.emailAgainHint'
  | 'detail.emailed'
  | 'preview.pdfFrame'
  | 'editor.newTitle'
  | 'editor.editTitle'
  | 'editor.documentDiscount'

/** A kind's string: `kindText(t, 'quote', 'list.title')` reads `quotes.list.title`. */
export function kindText(
  t: TFunction,
  kind: DocKind,
  key: KindKey,
  options?: Record<string, unknown>,
): string {
  return String(t(`${namespaces[kind]}.${key}` as 'invoices.title', options as never))
}
