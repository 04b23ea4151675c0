// The type of this feature's strings (en.json beside this file), merged into every key `t()` accepts.
import type strings from './en.json'

type Strings = typeof strings
declare module '../../lib/i18n/index.ts' {
  interface Translations extends Strings {}
}
