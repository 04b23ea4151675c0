// The type of this feature's strings (en.json, loaded at start, and pay-strings.json, added when the
// page loads), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './pay-strings.json'

type Strings = { publicView: (typeof eager)['publicView'] & (typeof lazy)['publicView'] }
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
