import { Suspense, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Card, Checkbox, PageSpinner, Spinner } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import { widgets as widgetRegistry } from '../../lib/registry/widgets.ts'
import { canSee, type Me } from '../auth/api.ts'
import { PageHeader } from '../shell/app-shell.tsx'
import { type PlacedWidget, placeWidgets, toPlacements, useDashboardLayout, useSaveLayout } from './layout.ts'

/** The dashboard: the widgets modules register, in each member's own order, with the ones they hid left out. */
export function Dashboard({ me }: { me: Me }) {
  const { t } = useTranslation()
  const [customizing, setCustomizing] = useState(false)
  const panelId = useId()
  const available = widgetRegistry.use().filter((w) => canSee(me, w))
  const layout = useDashboardLayout()
  const save = useSaveLayout()

  if (layout.isPending) return <PageSpinner />
  const placed = placeWidgets(available, layout.data?.widgets ?? [])
  const visible = placed.filter((p) => !p.hidden)

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <PageHeader
          title={t('dashboard.title')}
          description={`${t('dashboard.welcome', { name: me.user.name })}. ${
            me.activeWorkspace
              ? t('dashboard.summary', {
                  workspace: me.activeWorkspace.name,
                  role: t(`roles.${me.activeWorkspace.role}`),
                })
              : ''
          }`}
        />
        <Button
          variant="secondary"
          aria-expanded={customizing}
          aria-controls={panelId}
          onClick={() => setCustomizing(!customizing)}
        >
          {t('dashboard.customize')}
        </Button>
      </div>
      {layout.error ? <Alert tone="error">{errorMessage(layout.error, t)}</Alert> : null}
      {save.error ? <Alert tone="error">{errorMessage(save.error, t)}</Alert> : null}
      {customizing ? (
        <CustomizePanel id={panelId} placed={placed} onChange={(next) => save.mutate(toPlacements(next))} />
      ) : null}
      {visible.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-700 dark:text-slate-300">{t('dashboard.allHidden')}</p>
        </Card>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          {visible.map(({ widget }) => {
            const Component = widget.component
            return (
              <Card
                key={widget.id}
                title={t(widget.titleKey)}
                className={widget.size === 'wide' ? 'lg:col-span-2' : undefined}
              >
                <Suspense fallback={<Spinner />}>
                  <Component me={me} />
                </Suspense>
              </Card>
            )
          })}
        </div>
      )}
    </>
  )
}

function CustomizePanel({
  id,
  placed,
  onChange,
}: {
  id: string
  placed: PlacedWidget[]
  onChange: (next: PlacedWidget[]) => void
}) {
  const { t } = useTranslation()
  const [announcement, setAnnouncement] = useState('')
  const move = (index: number, by: -1 | 1) => {
    const next = [...placed]
    const [item] = next.splice(index, 1)
    if (!item) return
    next.splice(index + by, 0, item)
    onChange(next)
    setAnnouncement(
      t('dashboard.moved', { name: t(item.widget.titleKey), position: index + by + 1, count: next.length }),
    )
  }
  return (
    <Card title={t('dashboard.customizeTitle')} description={t('dashboard.customizeHint')}>
      <ol id={id} className="divide-y divide-slate-200 dark:divide-slate-700">
        {placed.map((item, index) => {
          const name = t(item.widget.titleKey)
          return (
            <li key={item.widget.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
              <Checkbox
                label={t('dashboard.show', { name })}
                checked={!item.hidden}
                onChange={(event) =>
                  onChange(
                    placed.map((p) => (p === item ? { ...p, hidden: !event.currentTarget.checked } : p)),
                  )
                }
              />
              <div className="flex gap-2">
                <Button
                  variant="secondary"
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={t('dashboard.moveUp', { name })}
                >
                  ↑
                </Button>
                <Button
                  variant="secondary"
                  disabled={index === placed.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={t('dashboard.moveDown', { name })}
                >
                  ↓
                </Button>
              </div>
            </li>
          )
        })}
      </ol>
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </Card>
  )
}
