import { useTranslation } from 'react-i18next'
import { Button, Dialog } from '../../components/ui/index.ts'
import type { Binding } from './bindings.ts'
import { displayShortcut } from './keys.ts'

/** Every keyboard shortcut the user has, opened with `?`. */
export default function ShortcutsDialog({ bindings, onClose }: { bindings: Binding[]; onClose: () => void }) {
  const { t } = useTranslation()
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('palette.shortcuts.title')}
      description={t('palette.shortcuts.description')}
      footer={
        <Button variant="secondary" onClick={onClose}>
          {t('palette.close')}
        </Button>
      }
    >
      <dl className="max-h-[60vh] divide-y divide-slate-200 overflow-y-auto text-sm dark:divide-slate-700">
        {bindings.map((binding) => (
          <div key={binding.id} className="flex items-center justify-between gap-4 py-2">
            <dt>{binding.label}</dt>
            <dd className="flex shrink-0 items-center gap-1">
              {displayShortcut(binding.shortcut).map((step, index) => (
                <span key={step.join('+')} className="flex items-center gap-1">
                  {index > 0 ? (
                    <span className="text-xs text-slate-600 dark:text-slate-300">
                      {t('palette.shortcuts.then')}
                    </span>
                  ) : null}
                  <kbd className="rounded border border-slate-300 px-1.5 font-sans text-xs dark:border-slate-600">
                    {step.join(' + ')}
                  </kbd>
                </span>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  )
}
