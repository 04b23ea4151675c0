import { useMutation } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Form, FormError, Input } from '../../components/ui/index.ts'
import { linkClasses } from '../../components/ui/link.ts'
import { formErrorOf } from '../../lib/errors.ts'
import { useValidatedForm } from '../../lib/use-validated-form.ts'
import { authApi, rememberRedirect } from './api.ts'
import { AuthInput, emailPattern } from './fields.tsx'

export function SignUpForm({ email: initialEmail, redirect }: { email?: string; redirect?: string }) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [email, setEmail] = useState(initialEmail ?? '')
  const [password, setPassword] = useState('')
  const mutation = useMutation({
    mutationFn: authApi.signUp,
    onSuccess: () => rememberRedirect(redirect),
  })
  const form = useValidatedForm(
    mutation.error,
    () => ({
      name: !name.trim() && t('validation.required'),
      email: !emailPattern.test(email) && t('validation.email'),
      password: password.length < 10 && t('validation.passwordLength', { count: 10 }),
    }),
    () => mutation.mutate({ name: name.trim(), email: email.trim(), password }),
  )

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

  return (
    <Form onSubmit={form.onSubmit} className="space-y-4">
      <FormError message={formErrorOf(mutation.error, t, ['name', 'email', 'password'])} />
      <Input
        label={t('auth.fields.name')}
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.errorFor('name')}
        required
      />
      <AuthInput
        preset="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.errorFor('email')}
      />
      <AuthInput
        preset="newPassword"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={form.errorFor('password')}
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
    </Form>
  )
}
