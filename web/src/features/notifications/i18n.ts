// The type of this feature's strings (en.json, loaded at start, and strings.json, added when its pages
// load), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './strings.json'

type Strings = {
  notifications: Omit<(typeof eager)['notifications'], 'preferences'> &
    Omit<(typeof lazy)['notifications'], 'preferences'> & {
      preferences: (typeof eager)['notifications']['preferences'] &
        (typeof lazy)['notifications']['preferences']
    }
}
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
