import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ActionFeedback,
  Alert,
  Button,
  Card,
  ConfirmDialog,
  FormCard,
  Input,
  QueryState,
} from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { useFormatDateTime } from '../../lib/format.ts'
import { connectionsQuery, type GatewayConnection, paymentsApi } from './api.ts'
import './strings.ts'

// PayPal's form is a chunk of its own, loaded with the page.
const PayPalForm = lazy(() => import('./paypal-form.tsx').then((m) => ({ default: m.PayPalForm })))

/**
 * Settings → Online payments: connect Stripe and PayPal (secrets shown masked), test each connection,
 * disconnect. A workspace may connect both; its clients then choose on the invoice's page.
 */
export function PaymentSettingsPage() {
  const query = useQuery(connectionsQuery)
  return (
    <QueryState query={query}>
      {(data) => {
        const stripe = data.data.find((c) => c.gateway === 'stripe') ?? null
        const paypal = data.data.find((c) => c.gateway === 'paypal') ?? null
        return (
          <div className="space-y-6">
            {stripe ? <GatewayConnectionCard connection={stripe} /> : null}
            <StripeKeysForm connected={!!stripe} />
            {paypal ? <GatewayConnectionCard connection={paypal} /> : null}
            <Suspense fallback={null}>
              <PayPalForm connected={!!paypal} />
            </Suspense>
          </div>
        )
      }}
    </QueryState>
  )
}

/** A connection's masked secrets, mode and last test, with Test connection and Disconnect. */
function GatewayConnectionCard({ connection: c }: { connection: GatewayConnection }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const formatDateTime = useFormatDateTime()
  const [confirm, setConfirm] = useState(false)
  const refresh = () => queryClient.invalidateQueries({ queryKey: connectionsQuery.queryKey })
  const name = t(`payments.settings.${c.gateway}`)
  const test = useMutation({ mutationFn: () => paymentsApi.test(c.gateway), onSettled: refresh })
  const disconnect = useMutation({
    mutationFn: () => paymentsApi.disconnect(c.gateway),
    onSuccess: () => {
      setConfirm(false)
      refresh()
    },
  })
  const secrets: [string, string][] =
    c.gateway === 'stripe'
      ? [
          [t('payments.settings.secretKey'), c.secrets.secretKey ?? '—'],
          [t('payments.settings.webhookSecret'), c.secrets.webhookSecret ?? '—'],
        ]
      : [
          [t('payments.settings.paypalClientId'), c.secrets.clientId ?? '—'],
          [t('payments.settings.paypalSecret'), c.secrets.clientSecret ?? '—'],
          [t('payments.settings.paypalWebhookId'), c.secrets.webhookId ?? '—'],
        ]
  const rows: [string, string][] = [
    ...secrets,
    [
      t('payments.settings.mode'),
      t(
        c.gateway === 'paypal'
          ? (`payments.settings.modes.paypal_${c.mode}` as const)
          : (`payments.settings.modes.${c.mode}` as const),
      ),
    ],
    [t('payments.settings.status'), t(`payments.settings.statuses.${c.status}`)],
    [t('payments.settings.account'), c.accountId ?? '—'],
    [
      t('payments.settings.lastCheck'),
      c.lastCheckedAt ? `${formatDateTime(c.lastCheckedAt)} — ${c.lastCheckMessage ?? ''}` : '—',
    ],
  ]
  return (
    <Card
      title={name}
      actions={
        <div className="flex gap-2">
          <Button variant="secondary" loading={test.isPending} onClick={() => test.mutate()}>
            {t('payments.settings.test')}
          </Button>
          <Button variant="danger" onClick={() => setConfirm(true)}>
            {t('payments.settings.disconnect')}
          </Button>
        </div>
      }
    >
      {test.data ? (
        <Alert tone={test.data.ok ? 'success' : 'error'} className="mb-4">
          {test.data.message}
        </Alert>
      ) : null}
      <ActionFeedback error={test.isError ? errorMessage(test.error, t) : null} />
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-700 dark:text-slate-300">{label}</dt>
            <dd className="font-medium break-all">{value}</dd>
          </div>
        ))}
        <dt className="text-slate-700 dark:text-slate-300">{t('payments.settings.webhookUrl')}</dt>
        <dd>
          <code className="break-all">{c.webhookUrl}</code>
          <p className="mt-1 text-xs text-slate-700 dark:text-slate-300">
            {t(
              c.gateway === 'paypal'
                ? 'payments.settings.paypalWebhookUrlHint'
                : 'payments.settings.webhookUrlHint',
            )}
          </p>
        </dd>
      </dl>
      <ConfirmDialog
        open={confirm}
        title={t('payments.settings.disconnectTitle', { gateway: name })}
        description={t('payments.settings.disconnectBody', { gateway: name })}
        confirmLabel={t('payments.settings.disconnect')}
        pending={disconnect.isPending}
        error={disconnect.isError ? errorMessage(disconnect.error, t) : null}
        onConfirm={() => disconnect.mutate()}
        onClose={() => setConfirm(false)}
      />
    </Card>
  )
}

function StripeKeysForm({ connected }: { connected: boolean }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [secretKey, setSecretKey] = useState('')
  const [webhookSecret, setWebhookSecret] = useState('')
  const save = useMutation({
    mutationFn: () => paymentsApi.saveStripe({ secretKey, webhookSecret }),
    onSuccess: () => {
      setSecretKey('')
      setWebhookSecret('')
      queryClient.invalidateQueries({ queryKey: connectionsQuery.queryKey })
    },
  })
  const errors = fieldErrorsOf(save.error)
  return (
    <FormCard
      title={connected ? t('payments.settings.replace') : t('payments.settings.connect')}
      description={t('payments.settings.stripeDescription')}
      error={save.isError && !Object.keys(errors).length ? errorMessage(save.error, t) : null}
      notice={save.isSuccess ? t('payments.settings.saved') : null}
      submitLabel={connected ? t('payments.settings.replace') : t('payments.settings.connect')}
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <Input
        label={t('payments.settings.secretKey')}
        hint={t('payments.settings.secretKeyHint')}
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        value={secretKey}
        onChange={(e) => setSecretKey(e.target.value)}
        error={errors.secretKey}
      />
      <Input
        label={t('payments.settings.webhookSecret')}
        hint={t('payments.settings.webhookSecretHint')}
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        value={webhookSecret}
        onChange={(e) => setWebhookSecret(e.target.value)}
        error={errors.webhookSecret}
      />
    </FormCard>
  )
}
