import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { cn } from '../../components/ui/index.ts'
import { errorMessage } from '../../lib/errors.ts'
import type { Me } from '../auth/api.ts'
import { resetWorkspaceData, workspacesApi } from '../workspaces/api.ts'
import { Popover, usePopover } from './popover.tsx'

export function WorkspaceSwitcher({ me }: { me: Me }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const popover = usePopover()
  const mutation = useMutation({
    mutationFn: workspacesApi.switchTo,
    onSuccess: (next) => {
      resetWorkspaceData(queryClient, next)
      popover.close()
    },
  })
  const active = me.activeWorkspace

  return (
    <Popover
      state={popover}
      triggerClassName="flex max-w-56 items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
      panelClassName="left-0 p-2"
      trigger={
        <>
          <span className="sr-only">{t('shell.switchWorkspace')}: </span>
          <span className="truncate">{active?.name}</span>
          <span aria-hidden="true">▾</span>
        </>
      }
    >
      <p className="px-2 pb-1 text-xs font-semibold uppercase text-slate-600 dark:text-slate-300">
        {t('shell.yourWorkspaces')}
      </p>
      <ul className="space-y-1">
        {me.workspaces.map((workspace) => {
          const current = workspace.id === active?.id
          return (
            <li key={workspace.id}>
              <button
                type="button"
                aria-current={current ? 'true' : undefined}
                disabled={mutation.isPending}
                onClick={() => (current ? popover.close() : mutation.mutate(workspace.id))}
                className={cn(
                  'flex w-full items-center justify-between rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800',
                  current && 'font-semibold',
                )}
              >
                <span className="truncate">{workspace.name}</span>
                <span className="text-xs text-slate-600 dark:text-slate-300">
                  {t(`roles.${workspace.role}`)}
                </span>
              </button>
            </li>
          )
        })}
      </ul>
      {mutation.error ? (
        <p role="alert" className="px-2 pt-2 text-sm text-red-700 dark:text-red-400">
          {errorMessage(mutation.error, t)}
        </p>
      ) : null}
      <div className="mt-2 border-t border-slate-200 pt-2 dark:border-slate-700">
        <Link
          to="/workspaces/new"
          onClick={popover.close}
          className="block rounded px-2 py-1.5 text-sm text-indigo-700 hover:bg-slate-100 dark:text-indigo-300 dark:hover:bg-slate-800"
        >
          {t('shell.createWorkspace')}
        </Link>
      </div>
    </Popover>
  )
}
