import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Link, useRouter } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, Form, FormError, Input } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { clearTwoFactorRequired } from '../../lib/two-factor-required.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { authApi, rememberRedirect } from './api.ts'
import { AuthInput, codeErrorMessage, totpPattern } from './fields.tsx'

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
  const [step, setStep] = useState<'credentials' | 'two-factor'>('credentials')
  const finish = useFinishSignIn(redirect)
  const mutation = useMutation({
    mutationFn: authApi.signIn,
    onSuccess: async (result) => {
      if (result?.twoFactorRedirect) setStep('two-factor')
      else await finish()
    },
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({
      email: !email.trim() && t('validation.required'),
      password: !password && t('validation.required'),
    }),
    () => mutation.mutate({ email: email.trim(), password }),
  )

  if (step === 'two-factor') return <TwoFactorStep onDone={finish} />

  let formError: string | null = null
  if (mutation.error instanceof ApiError && mutation.error.status === 401) {
    formError = t('auth.signIn.invalidCredentials')
  } else if (mutation.error instanceof ApiError && mutation.error.code === 'EMAIL_NOT_VERIFIED') {
    formError = t('auth.signIn.emailNotVerified')
  } else if (mutation.error) {
    formError = errorMessage(mutation.error, t)
  }

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <FormError message={formError} />
      <AuthInput
        preset="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.errorFor('email')}
      />
      <AuthInput
        preset="currentPassword"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={form.errorFor('password')}
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
    </Form>
  )
}

function TwoFactorStep({ onDone }: { onDone: () => Promise<void> }) {
  const { t } = useTranslation()
  const [useRecovery, setUseRecovery] = useState(false)
  const [code, setCode] = useState('')
  const mutation = useMutation({
    mutationFn: (value: string) =>
      useRecovery ? authApi.verifyBackupCode(value) : authApi.verifyTotp(value),
    onSuccess: onDone,
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({
      code: useRecovery
        ? !code.trim() && t('validation.required')
        : !totpPattern.test(code.trim()) && t('validation.totpCode'),
    }),
    () => mutation.mutate(code.trim()),
  )
  const error = form.errors.code

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {useRecovery ? t('auth.twoFactor.recoveryIntro') : t('auth.twoFactor.totpIntro')}
      </p>
      <FormError message={codeErrorMessage(mutation.error, t)} />
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
        <AuthInput
          preset="oneTimeCode"
          key="totp"
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
          form.reset()
          mutation.reset()
        }}
      >
        {useRecovery ? t('auth.twoFactor.useTotp') : t('auth.twoFactor.useRecovery')}
      </Button>
    </Form>
  )
}
