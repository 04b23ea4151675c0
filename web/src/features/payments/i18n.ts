// The type of this feature's strings (en.json, loaded at start, and strings.json, added when its pages
// load), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './strings.json'

type Lazy = (typeof lazy)['payments']
type Strings = {
  payments: { settings: (typeof eager)['payments']['settings'] & Lazy['settings']; history: Lazy['history'] }
}
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
