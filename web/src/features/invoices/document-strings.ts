// The strings of the document pages that the shell does not need (quotes, credit notes, the invoices
// list's bulk bar and saved views), added when those pages load so they stay out of the entry bundle.
import { i18n } from '../../lib/i18n/index.ts'
import creditNotes from '../credit-notes/strings.json' with { type: 'json' }
import quotes from '../quotes/strings.json' with { type: 'json' }
import invoices from './strings.json' with { type: 'json' }

for (const strings of [invoices, quotes, creditNotes])
  i18n.addResourceBundle('en', 'translation', strings, true, false)
