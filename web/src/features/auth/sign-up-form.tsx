import { useMutation } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, FormError, Input } from '../../components/ui/index.ts'
import { fieldErrorsOf, formErrorOf } from '../../lib/errors.ts'
import { authApi, rememberRedirect } from './api.ts'
import { linkClasses } from './auth-layout.tsx'

export function SignUpForm({ email: initialEmail, redirect }: { email?: string; redirect?: string }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [email, setEmail] = useState(initialEmail ?? '')
  const [password, setPassword] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const mutation = useMutation({
    mutationFn: authApi.signUp,
    onSuccess: () => rememberRedirect(redirect),
  })

  if (mutation.isSuccess) {
    return (
      <div className="space-y-4">
        <Alert tone="success" title={t('auth.signUp.checkInboxTitle')}>
          {t('auth.signUp.checkInboxBody', { email })}
        </Alert>
        <p className="text-sm">
          <Link to="/sign-in" search={{ email, redirect }} className={linkClasses}>
            {t('auth.signUp.goToSignIn')}
          </Link>
        </p>
      </div>
    )
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    const next: Record<string, string> = {}
    if (!name.trim()) next.name = t('validation.required')
    if (!/^\S+@\S+\.\S+$/.test(email)) next.email = t('validation.email')
    if (password.length < 10) next.password = t('validation.passwordLength', { count: 10 })
    setErrors(next)
    if (Object.keys(next).length === 0) mutation.mutate({ name: name.trim(), email: email.trim(), password })
  }

  const serverFields = fieldErrorsOf(mutation.error)
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <FormError message={formErrorOf(mutation.error, t, ['name', 'email', 'password'])} />
      <Input
        label={t('auth.fields.name')}
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={errors.name ?? serverFields.name}
        required
      />
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
        autoComplete="new-password"
        hint={t('auth.fields.passwordHint', { count: 10 })}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password ?? serverFields.password}
        required
      />
      <Button type="submit" className="w-full" loading={mutation.isPending}>
        {t('auth.signUp.submit')}
      </Button>
      <p className="text-sm text-slate-700 dark:text-slate-300">
        {t('auth.signUp.haveAccount')}{' '}
        <Link to="/sign-in" search={{ email: email || undefined, redirect }} className={linkClasses}>
          {t('auth.signIn.title')}
        </Link>
      </p>
    </form>
  )
}
