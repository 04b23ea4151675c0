import type { TFunction } from 'i18next'
import { ApiError, type FieldErrors } from './api.ts'

export function errorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      if (!error.retryAfter) return t('errors.rateLimited')
      if (error.retryAfter >= 90) {
        return t('errors.rateLimitedForMinutes', { count: Math.ceil(error.retryAfter / 60) })
      }
      return t('errors.rateLimitedFor', { count: error.retryAfter })
    }
    if (error.isTwoFactorRequired) return t('errors.twoFactorRequired')
    return error.detail ?? error.title ?? t('errors.generic')
  }
  if (error instanceof TypeError) return t('errors.network')
  return t('errors.generic')
}

export function fieldErrorsOf(error: unknown): FieldErrors {
  return error instanceof ApiError ? error.fieldErrors : {}
}

export function formErrorOf(error: unknown, t: TFunction, handledFields: string[] = []): string | null {
  if (!error) return null
  const fields = fieldErrorsOf(error)
  const unhandled = Object.keys(fields).filter((field) => !handledFields.includes(field))
  if (Object.keys(fields).length > 0 && unhandled.length === 0) return null
  return errorMessage(error, t)
}
