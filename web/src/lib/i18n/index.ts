import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import shared from './en.json' with { type: 'json' }

/**
 * Strings live beside the code that shows them: `web/src/lib/i18n/en.json` holds the shared ones (app,
 * common, roles, errors, validation) and each feature folder its own `en.json`, found here by file name.
 * A feature's `i18n.ts` adds the type of its file to `Translations`, so `tsc` rejects unknown keys.
 */
type SharedStrings = typeof shared
export interface Translations extends SharedStrings {}

type Strings = { [key: string]: string | Strings }

const featureFiles = import.meta.glob<Strings>('../../features/*/en.json', { eager: true, import: 'default' })

function merge(target: Strings, source: Strings, path: string): Strings {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key]
    if (existing === undefined) target[key] = value
    else if (typeof existing === 'object' && typeof value === 'object')
      merge(existing, value, `${path}${key}.`)
    else throw new Error(`translation key "${path}${key}" is defined twice`)
  }
  return target
}

/** Every English string: the shared file, then each feature's file (a key defined twice is an error). */
export function englishStrings(files: Record<string, Strings> = featureFiles): Strings {
  const all = merge({}, shared as Strings, '')
  for (const file of Object.keys(files).sort()) merge(all, structuredClone(files[file]!), '')
  return all
}

export const defaultNS = 'translation'

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation'
    resources: { translation: { [K in keyof Translations]: Translations[K] } }
  }
}

void i18n.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  defaultNS,
  resources: { en: { translation: englishStrings() } },
  interpolation: { escapeValue: false },
  returnNull: false,
})

export { i18n }
