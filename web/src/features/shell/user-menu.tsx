import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useCallback, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/ui/index.ts'
import { authApi, type Me } from '../auth/api.ts'
import { useDismiss } from './disclosure.ts'

export function UserMenu({ me }: { me: Me }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  const menuId = useId()
  const close = useCallback(() => setOpen(false), [])
  useDismiss(ref, open, close)
  const signOut = useMutation({
    mutationFn: authApi.signOut,
    onSettled: async () => {
      queryClient.clear()
      await navigate({ to: '/sign-in' })
    },
  })
  const initials = me.user.name
    .split(/\s+/)
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
    .toUpperCase()

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-2 rounded-full p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <span
          aria-hidden="true"
          className="flex size-8 items-center justify-center rounded-full bg-indigo-700 text-xs font-semibold text-white"
        >
          {initials}
        </span>
        <span className="sr-only">{t('shell.userMenu')}</span>
      </button>
      {open ? (
        <div
          id={menuId}
          className="absolute right-0 z-20 mt-2 w-64 rounded-md border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <p className="truncate text-sm font-medium">{me.user.name}</p>
          <p className="truncate text-sm text-slate-600 dark:text-slate-300">{me.user.email}</p>
          <Button
            variant="secondary"
            className="mt-3 w-full"
            loading={signOut.isPending}
            onClick={() => signOut.mutate()}
          >
            {t('shell.signOut')}
          </Button>
        </div>
      ) : null}
    </div>
  )
}
