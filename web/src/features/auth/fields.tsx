import type { TFunction } from 'i18next'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Input, type InputProps } from '../../components/ui/field.tsx'
import { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'

type FieldProps = Omit<InputProps, 'label'> & { label?: ReactNode }

const presets = {
  email: (t) => ({
    label: t('auth.fields.email'),
    name: 'email',
    type: 'email',
    autoComplete: 'email',
    required: true,
  }),
  currentPassword: (t) => ({
    label: t('auth.fields.password'),
    name: 'password',
    type: 'password',
    autoComplete: 'current-password',
  }),
  newPassword: (t) => ({
    label: t('auth.fields.password'),
    name: 'password',
    type: 'password',
    autoComplete: 'new-password',
    hint: t('auth.fields.passwordHint', { count: 10 }),
    required: true,
  }),
  oneTimeCode: (t) => ({
    label: t('auth.twoFactor.totpCode'),
    name: 'code',
    inputMode: 'numeric',
    autoComplete: 'one-time-code',
    maxLength: 6,
  }),
} satisfies Record<string, (t: TFunction) => InputProps>

export type AuthInputPreset = keyof typeof presets

export function AuthInput({ preset, ...props }: FieldProps & { preset: AuthInputPreset }) {
  const { t } = useTranslation()
  return <Input {...presets[preset](t)} {...props} />
}

export function codeErrorMessage(error: unknown, t: TFunction): string | null {
  if (error instanceof ApiError && (error.status === 400 || error.status === 401)) {
    return t('auth.twoFactor.invalidCode')
  }
  return error ? errorMessage(error, t) : null
}

export const emailPattern = /^\S+@\S+\.\S+$/
export const totpPattern = /^\d{6}$/
