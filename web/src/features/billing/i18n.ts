// The type of this feature's strings (en.json, loaded at start, and strings.json, added when its page
// loads), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './strings.json'

type Strings = { billing: (typeof eager)['billing'] & (typeof lazy)['billing'] }
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
