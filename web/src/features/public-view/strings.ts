// The view page's strings, added when the page loads: the page is outside the signed-in app, so none of
// them belong in the entry bundle.
import { i18n } from '../../lib/i18n/index.ts'
import strings from './strings.json' with { type: 'json' }

i18n.addResourceBundle('en', 'translation', strings, true, false)
