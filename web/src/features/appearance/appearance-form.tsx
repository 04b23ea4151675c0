import { useTranslation } from 'react-i18next'
import { Card, cn } from '../../components/ui/index.ts'
import { setThemePreference, type ThemePreference, useThemePreference } from '../../lib/theme.ts'

const options: ThemePreference[] = ['light', 'dark', 'system']

export function AppearanceForm() {
  const { t } = useTranslation()
  const preference = useThemePreference()
  return (
    <Card>
      <fieldset>
        <legend className="text-lg font-semibold">{t('appearance.theme')}</legend>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t('appearance.themeHint')}</p>
        <div className="mt-4 grid gap-3 sm:grid-cols-3">
          {options.map((option) => (
            <label
              key={option}
              className={cn(
                'flex cursor-pointer items-start gap-3 rounded-lg border p-4 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600',
                preference === option
                  ? 'border-indigo-700 bg-indigo-50 dark:border-indigo-400 dark:bg-indigo-950'
                  : 'border-slate-300 dark:border-slate-600',
              )}
            >
              <input
                type="radio"
                name="theme"
                value={option}
                checked={preference === option}
                onChange={() => setThemePreference(option)}
                className="mt-1 accent-indigo-700"
              />
              <span>
                <span className="block text-sm font-medium">{t(`appearance.options.${option}.label`)}</span>
                <span className="block text-sm text-slate-600 dark:text-slate-300">
                  {t(`appearance.options.${option}.description`)}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </Card>
  )
}
