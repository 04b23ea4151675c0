// The billing page's strings, added when the page loads so they stay out of the entry bundle.
import { i18n } from '../../lib/i18n/index.ts'
import strings from './strings.json' with { type: 'json' }

i18n.addResourceBundle('en', 'translation', strings, true, false)
