// The type of this feature's strings (en.json, loaded at start, and strings.json, added when the
// profile page loads), merged into every key `t()` accepts.
import type eager from './en.json'
import type lazy from './strings.json'

type Strings = { profile: (typeof eager)['profile'] & (typeof lazy)['profile'] }
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
