import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Button } from '../../components/ui/index.ts'
import { authApi, type Me } from '../auth/api.ts'
import { Popover, usePopover } from './popover.tsx'

export function UserMenu({ me }: { me: Me }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const popover = usePopover()
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
    <Popover
      state={popover}
      triggerClassName="flex items-center gap-2 rounded-full p-1 hover:bg-slate-100 dark:hover:bg-slate-800"
      panelClassName="right-0 p-3"
      trigger={
        <>
          <span
            aria-hidden="true"
            className="flex size-8 items-center justify-center rounded-full bg-indigo-700 text-xs font-semibold text-white"
          >
            {initials}
          </span>
          <span className="sr-only">{t('shell.userMenu')}</span>
        </>
      }
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
    </Popover>
  )
}
