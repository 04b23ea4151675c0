import { useMutation, useQueryClient } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Card, Dialog, Form, FormError } from '../../components/ui/index.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { clearTwoFactorRequired } from '../../lib/two-factor-required.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import type { Me } from '../auth/api.ts'
import { AuthInput, codeErrorMessage, totpPattern } from '../auth/fields.tsx'
import { formatSecret, secretFromTotpUri, securityApi } from './api.ts'
import { QrCode } from './qr-code.tsx'

type Step =
  | { kind: 'idle' }
  | { kind: 'password' }
  | { kind: 'scan'; totpURI: string; backupCodes: string[] }
  | { kind: 'codes'; backupCodes: string[] }

function passwordError(error: unknown, t: TFunction): string | null {
  if (!error) return null
  if (error instanceof ApiError && (error.status === 400 || error.status === 401)) {
    return error.code === 'INVALID_PASSWORD' || !error.detail
      ? t('security.twoFactor.wrongPassword')
      : error.detail
  }
  return errorMessage(error, t)
}

function usePasswordPrompt(mutationError: unknown, submit: (password: string) => void) {
  const { t } = useTranslation()
  const [password, setPassword] = useState('')
  const form = useValidatedForm(
    mutationError,
    () => ({ password: !password && t('validation.required') }),
    () => submit(password),
  )
  const field = (
    <AuthInput
      preset="currentPassword"
      value={password}
      onChange={(e) => setPassword(e.target.value)}
      error={form.errors.password}
    />
  )
  return { field, onSubmit: form.onSubmit, clear: () => setPassword(''), reset: form.reset }
}

export function TwoFactorSection({ me }: { me: Me }) {
  const { t } = useTranslation()
  const [step, setStep] = useState<Step>({ kind: 'idle' })
  const [disableOpen, setDisableOpen] = useState(false)
  const enabled = me.user.twoFactorEnabled

  return (
    <Card title={t('security.twoFactor.title')} description={t('security.twoFactor.description')}>
      {step.kind === 'password' ? (
        <EnablePasswordForm
          onCancel={() => setStep({ kind: 'idle' })}
          onEnabled={(result) => setStep({ kind: 'scan', ...result })}
        />
      ) : step.kind === 'scan' ? (
        <ScanStep
          totpURI={step.totpURI}
          onCancel={() => setStep({ kind: 'idle' })}
          onConfirmed={() => setStep({ kind: 'codes', backupCodes: step.backupCodes })}
        />
      ) : step.kind === 'codes' ? (
        <RecoveryCodes codes={step.backupCodes} onDone={() => setStep({ kind: 'idle' })} />
      ) : enabled ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="flex items-center gap-2 text-sm">
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100">
              {t('security.twoFactor.on')}
            </span>
            {t('security.twoFactor.enabledBody')}
          </p>
          <Button variant="secondary" onClick={() => setDisableOpen(true)}>
            {t('security.twoFactor.disable')}
          </Button>
        </div>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="flex items-center gap-2 text-sm">
            <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-900 dark:bg-slate-700 dark:text-slate-100">
              {t('security.twoFactor.off')}
            </span>
            {t('security.twoFactor.disabledBody')}
          </p>
          <Button onClick={() => setStep({ kind: 'password' })}>{t('security.twoFactor.enable')}</Button>
        </div>
      )}
      <DisableDialog open={disableOpen} onClose={() => setDisableOpen(false)} />
    </Card>
  )
}

function EnablePasswordForm({
  onCancel,
  onEnabled,
}: {
  onCancel: () => void
  onEnabled: (result: { totpURI: string; backupCodes: string[] }) => void
}) {
  const { t } = useTranslation()
  const mutation = useMutation({ mutationFn: securityApi.enableTwoFactor, onSuccess: onEnabled })
  const prompt = usePasswordPrompt(mutation.error, (password) => mutation.mutate(password))
  return (
    <Form onSubmit={prompt.onSubmit} className="max-w-md space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">{t('security.twoFactor.passwordIntro')}</p>
      <FormError message={passwordError(mutation.error, t)} />
      {prompt.field}
      <div className="flex gap-2">
        <Button type="submit" loading={mutation.isPending}>
          {t('common.continue')}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </Form>
  )
}

function ScanStep({
  totpURI,
  onCancel,
  onConfirmed,
}: {
  totpURI: string
  onCancel: () => void
  onConfirmed: () => void
}) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const [code, setCode] = useState('')
  const secret = secretFromTotpUri(totpURI)
  const mutation = useMutation({
    mutationFn: securityApi.confirmTwoFactor,
    onSuccess: () => {
      clearTwoFactorRequired()
      void queryClient.invalidateQueries()
      onConfirmed()
    },
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({ code: !totpPattern.test(code.trim()) && t('validation.totpCode') }),
    () => mutation.mutate(code.trim()),
  )
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">{t('security.twoFactor.scanIntro')}</p>
      <div className="flex flex-wrap items-start gap-6">
        <QrCode value={totpURI} label={t('security.twoFactor.qrAlt')} />
        <div className="space-y-1">
          <p className="text-sm font-medium">{t('security.twoFactor.manualKey')}</p>
          <code
            data-testid="totp-secret"
            data-secret={secret}
            className="block rounded bg-slate-100 px-3 py-2 font-mono text-sm break-all dark:bg-slate-800"
          >
            {formatSecret(secret)}
          </code>
        </div>
      </div>
      <Form onSubmit={form.onSubmit} className="max-w-md space-y-4">
        <FormError message={codeErrorMessage(mutation.error, t)} />
        <AuthInput
          preset="oneTimeCode"
          label={t('security.twoFactor.confirmCode')}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={form.errors.code}
        />
        <div className="flex gap-2">
          <Button type="submit" loading={mutation.isPending}>
            {t('security.twoFactor.confirm')}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </Form>
    </div>
  )
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const { t } = useTranslation()
  const [copied, setCopied] = useState(false)
  const text = `${codes.join('\n')}\n`
  const href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`
  return (
    <div className="space-y-4">
      <Alert tone="warning" title={t('security.twoFactor.codesTitle')}>
        {t('security.twoFactor.codesBody')}
      </Alert>
      <ul
        aria-label={t('security.twoFactor.codesTitle')}
        data-testid="recovery-codes"
        className="grid max-w-md grid-cols-2 gap-2 rounded-md bg-slate-100 p-4 font-mono text-sm dark:bg-slate-800"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true))
          }}
        >
          {t('security.twoFactor.copyCodes')}
        </Button>
        <a
          href={href}
          download="atrium-recovery-codes.txt"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:hover:bg-slate-800"
        >
          {t('security.twoFactor.downloadCodes')}
        </a>
        <Button onClick={onDone}>{t('security.twoFactor.done')}</Button>
      </div>
      <p aria-live="polite" className="text-sm text-slate-700 dark:text-slate-300">
        {copied ? t('security.twoFactor.copied') : ''}
      </p>
    </div>
  )
}

function DisableDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const queryClient = useQueryClient()
  const mutation = useMutation({
    mutationFn: securityApi.disableTwoFactor,
    onSuccess: () => {
      void queryClient.invalidateQueries()
      prompt.clear()
      onClose()
    },
  })
  const prompt = usePasswordPrompt(mutation.error, (password) => mutation.mutate(password))
  const close = () => {
    mutation.reset()
    prompt.clear()
    prompt.reset()
    onClose()
  }
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('security.twoFactor.disableTitle')}
      description={t('security.twoFactor.disableBody')}
    >
      <Form onSubmit={prompt.onSubmit} className="space-y-4">
        <FormError message={passwordError(mutation.error, t)} />
        {prompt.field}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" loading={mutation.isPending}>
            {t('security.twoFactor.disable')}
          </Button>
        </div>
      </Form>
    </Dialog>
  )
}
