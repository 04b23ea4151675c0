import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, useRouter } from '@tanstack/react-router'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, FormError, Input } from '../../components/ui/index.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { clearTwoFactorRequired } from '../../lib/two-factor-required.ts'
import { authApi, rememberRedirect } from './api.ts'
import { linkClasses } from './auth-layout.tsx'

function useFinishSignIn(redirect: string | undefined) {
  const queryClient = useQueryClient()
  const router = useRouter()
  return async () => {
    queryClient.clear()
    clearTwoFactorRequired()
    rememberRedirect(undefined)
    await router.navigate({ href: redirect ?? '/' })
  }
}

export function SignInForm({ email: initialEmail, redirect }: { email?: string; redirect?: string }) {
  const { t } = useTranslation()
  const [email, setEmail] = useState(initialEmail ?? '')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [step, setStep] = useState<'credentials' | 'two-factor'>('credentials')
  const finish = useFinishSignIn(redirect)
  const mutation = useMutation({
    mutationFn: authApi.signIn,
    onSuccess: async (result) => {
      if (result?.twoFactorRedirect) setStep('two-factor')
      else await finish()
    },
  })

  if (step === 'two-factor') return <TwoFactorStep onDone={finish} />

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const next: Record<string, string> = {}
    if (!email.trim()) next.email = t('validation.required')
    if (!password) next.password = t('validation.required')
    setErrors(next)
    if (Object.keys(next).length === 0) mutation.mutate({ email: email.trim(), password })
  }

  let formError: string | null = null
  if (mutation.error instanceof ApiError && mutation.error.status === 401) {
    formError = t('auth.signIn.invalidCredentials')
  } else if (mutation.error instanceof ApiError && mutation.error.code === 'EMAIL_NOT_VERIFIED') {
    formError = t('auth.signIn.emailNotVerified')
  } else if (mutation.error) {
    formError = errorMessage(mutation.error, t)
  }
  const serverFields = fieldErrorsOf(mutation.error)

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <FormError message={formError} />
      <Input
        label={t('auth.fields.email')}
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email ?? serverFields.email}
        required
      />
      <Input
        label={t('auth.fields.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password ?? serverFields.password}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.signIn.submit')}
      </Button>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <Link to="/forgot-password" className={linkClasses}>
          {t('auth.signIn.forgotPassword')}
        </Link>
        <Link to="/sign-up" search={{ email: email || undefined, redirect }} className={linkClasses}>
          {t('auth.signIn.createAccount')}
        </Link>
      </div>
    </form>
  )
}

function TwoFactorStep({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation()
  const [useRecovery, setUseRecovery] = useState(false)
  const [code, setCode] = useState('')
  const [error, setError] = useState<string>()
  const mutation = useMutation({
    mutationFn: (value: string) =>
      useRecovery ? authApi.verifyBackupCode(value) : authApi.verifyTotp(value),
    onSuccess: onDone,
  })

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const value = code.trim()
    if (!useRecovery && !/^\d{6}$/.test(value)) {
      setError(t('validation.totpCode'))
      return
    }
    if (useRecovery && !value) {
      setError(t('validation.required'))
      return
    }
    setError(undefined)
    mutation.mutate(value)
  }

  const formError =
    mutation.error instanceof ApiError && (mutation.error.status === 401 || mutation.error.status === 400)
      ? t('auth.twoFactor.invalidCode')
      : mutation.error
        ? errorMessage(mutation.error, t)
        : null

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {useRecovery ? t('auth.twoFactor.recoveryIntro') : t('auth.twoFactor.totpIntro')}
      </p>
      <FormError message={formError} />
      {useRecovery ? (
        <Input
          key="recovery"
          label={t('auth.twoFactor.recoveryCode')}
          name="recoveryCode"
          autoComplete="off"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={error}
        />
      ) : (
        <Input
          key="totp"
          label={t('auth.twoFactor.totpCode')}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={error}
        />
      )}
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.twoFactor.verify')}
      </Button>
      <Button
        variant="ghost"
        className="w-full"
        onClick={() => {
          setUseRecovery(!useRecovery)
          setCode('')
          setError(undefined)
          mutation.reset()
        }}
      >
        {useRecovery ? t('auth.twoFactor.useTotp') : t('auth.twoFactor.useRecovery')}
      </Button>
    </form>
  )
}
