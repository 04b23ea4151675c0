import './strings.ts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Card, QueryState, Select } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import {
  type Digest,
  type NotificationChannel,
  type NotificationPreferences,
  notificationKeys,
  notificationsApi,
  preferencesQuery,
} from './api.ts'
import { currentPushSubscription, disablePush, enablePush, pushSupported } from './push.ts'

const CHANNELS: NotificationChannel[] = ['in_app', 'email', 'push']
const DIGESTS: Digest[] = ['immediately', 'hourly', 'daily']

/** The type × channel matrix, the email digest and this device's push subscription. */
export function NotificationPreferencesPage() {
  const { t } = useTranslation()
  const query = useQuery(preferencesQuery)
  const queryClient = useQueryClient()
  const save = useMutation({
    mutationFn: notificationsApi.savePreferences,
    // The switch moves at once; the server's answer replaces it (or a refetch, when it fails).
    onMutate: (change) =>
      queryClient.setQueryData<NotificationPreferences>(notificationKeys.preferences, (old) =>
        old
          ? {
              ...old,
              digest: change.digest ?? old.digest,
              types: old.types.map((ty) => ({
                ...ty,
                channels: { ...ty.channels, ...(change.channels?.[ty.type] ?? {}) },
              })),
            }
          : old,
      ),
    onError: () => queryClient.invalidateQueries({ queryKey: notificationKeys.preferences }),
    onSuccess: (data) => {
      queryClient.setQueryData(notificationKeys.preferences, data)
      showToast({ message: t('notifications.preferences.saved') })
    },
  })
  return (
    <QueryState query={query}>
      {(prefs: NotificationPreferences) => (
        <>
          <Card title={t('notifications.preferences.digest.title')}>
            <Select
              label={t('notifications.preferences.digest.label')}
              value={prefs.digest}
              onChange={(e) => save.mutate({ digest: e.target.value as Digest })}
            >
              {DIGESTS.map((d) => (
                <option key={d} value={d}>
                  {t(`notifications.preferences.digest.${d}`)}
                </option>
              ))}
            </Select>
          </Card>
          <Card title={t('notifications.preferences.title')}>
            <div className="overflow-x-auto">
              <table className="w-full text-sm">
                <caption className="sr-only">{t('notifications.preferences.title')}</caption>
                <thead>
                  <tr className="border-b border-slate-200 text-left dark:border-slate-700">
                    <th scope="col" className="py-2 pr-4 font-semibold">
                      {t('notifications.preferences.type')}
                    </th>
                    {CHANNELS.map((c) => (
                      <th key={c} scope="col" className="px-3 py-2 text-center font-semibold">
                        {t(`notifications.preferences.channels.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {prefs.types.map((ty) => (
                    <tr
                      key={ty.type}
                      className="border-b border-slate-100 last:border-0 dark:border-slate-800"
                    >
                      <th scope="row" className="py-2 pr-4 text-left font-normal">
                        {ty.label}
                        {ty.emailWhenOffline ? (
                          <span className="block text-xs text-slate-600 dark:text-slate-400">
                            {t('notifications.preferences.offlineHint')}
                          </span>
                        ) : null}
                      </th>
                      {CHANNELS.map((c) => (
                        <td key={c} className="px-3 py-2 text-center">
                          <input
                            type="checkbox"
                            className="size-4 accent-indigo-700 dark:accent-indigo-300"
                            aria-label={`${ty.label}: ${t(`notifications.preferences.channels.${c}`)}`}
                            checked={ty.channels[c]}
                            onChange={(e) =>
                              save.mutate({ channels: { [ty.type]: { [c]: e.target.checked } } })
                            }
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <PushCard />
        </>
      )}
    </QueryState>
  )
}

function PushCard() {
  const { t } = useTranslation()
  const [state, setState] = useState<'unknown' | 'on' | 'off' | 'denied' | 'unsupported'>('unknown')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (!pushSupported()) return setState('unsupported')
    if (Notification.permission === 'denied') return setState('denied')
    void currentPushSubscription().then((s) => setState(s ? 'on' : 'off'))
  }, [])
  const run = async (fn: () => Promise<void>) => {
    setBusy(true)
    try {
      await fn()
    } catch (err) {
      showToast({ message: err instanceof Error ? err.message : String(err), tone: 'error' })
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card
      title={t('notifications.preferences.push.title')}
      description={t('notifications.preferences.push.description')}
    >
      {state === 'unsupported' ? (
        <Alert tone="info">{t('notifications.preferences.push.unsupported')}</Alert>
      ) : state === 'denied' ? (
        <Alert tone="warning">{t('notifications.preferences.push.denied')}</Alert>
      ) : state === 'on' ? (
        <div className="space-y-3">
          <p className="text-sm">{t('notifications.preferences.push.on')}</p>
          <Button
            variant="secondary"
            loading={busy}
            onClick={() =>
              run(async () => {
                await disablePush()
                setState('off')
              })
            }
          >
            {t('notifications.preferences.push.disable')}
          </Button>
        </div>
      ) : (
        <Button
          loading={busy}
          disabled={state === 'unknown'}
          onClick={() => run(async () => setState(await enablePush()))}
        >
          {t('notifications.preferences.push.enable')}
        </Button>
      )}
    </Card>
  )
}
