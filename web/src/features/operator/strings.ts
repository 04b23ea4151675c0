// The operator area's strings, added when its page loads so they stay out of the entry bundle (with the
// billing page's, for the names of limits and features).
import '../billing/strings.ts'
import { i18n } from '../../lib/i18n/index.ts'
import strings from './strings.json' with { type: 'json' }

i18n.addResourceBundle('en', 'translation', strings, true, false)
