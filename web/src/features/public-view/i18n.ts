// The type of this feature's strings (strings.json, added when the view page loads), merged into every
// key `t()` accepts.
import type lazy from './strings.json'

type Strings = { publicView: (typeof lazy)['publicView'] }
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
