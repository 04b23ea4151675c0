import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FormCard, Input, Select } from '../../components/ui/index.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { connectionsQuery, paymentsApi } from './api.ts'
import './strings.ts'

/** Connect PayPal: a REST app's client id and secret, its webhook's id, and sandbox or live. */
export function PayPalForm({ connected }: { connected: boolean }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [clientId, setClientId] = useState('')
  const [clientSecret, setClientSecret] = useState('')
  const [webhookId, setWebhookId] = useState('')
  const [mode, setMode] = useState<'sandbox' | 'live'>('sandbox')
  const save = useMutation({
    mutationFn: () => paymentsApi.savePayPal({ clientId, clientSecret, webhookId, mode }),
    onSuccess: () => {
      setClientId('')
      setClientSecret('')
      setWebhookId('')
      queryClient.invalidateQueries({ queryKey: connectionsQuery.queryKey })
    },
  })
  const errors = fieldErrorsOf(save.error)
  const submit = connected ? t('payments.settings.paypalReplace') : t('payments.settings.paypalConnect')
  return (
    <FormCard
      title={submit}
      description={t('payments.settings.paypalDescription')}
      error={save.isError && !Object.keys(errors).length ? errorMessage(save.error, t) : null}
      notice={save.isSuccess ? t('payments.settings.paypalSaved') : null}
      submitLabel={submit}
      pending={save.isPending}
      onSubmit={() => save.mutate()}
    >
      <Input
        label={t('payments.settings.paypalClientId')}
        autoComplete="off"
        spellCheck={false}
        required
        value={clientId}
        onChange={(e) => setClientId(e.target.value)}
        error={errors.clientId}
      />
      <Input
        label={t('payments.settings.paypalSecret')}
        type="password"
        autoComplete="off"
        spellCheck={false}
        required
        value={clientSecret}
        onChange={(e) => setClientSecret(e.target.value)}
        error={errors.clientSecret}
      />
      <Input
        label={t('payments.settings.paypalWebhookId')}
        hint={t('payments.settings.paypalWebhookIdHint')}
        autoComplete="off"
        spellCheck={false}
        required
        value={webhookId}
        onChange={(e) => setWebhookId(e.target.value)}
        error={errors.webhookId}
      />
      <Select
        label={t('payments.settings.paypalMode')}
        value={mode}
        onChange={(e) => setMode(e.target.value === 'live' ? 'live' : 'sandbox')}
        error={errors.mode}
      >
        <option value="sandbox">{t('payments.settings.modes.paypal_test')}</option>
        <option value="live">{t('payments.settings.modes.paypal_live')}</option>
      </Select>
    </FormCard>
  )
}
