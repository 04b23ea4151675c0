// The type of this feature's strings (en.json, loaded at start, and strings.json, added when its pages
// load), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './strings.json'

type Strings = { quotes: (typeof eager)['quotes'] & (typeof lazy)['quotes'] }
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
