import { type FormEvent, useState } from 'react'
import { fieldErrorsOf } from './errors.ts'

export type Validation = Record<string, string | false | null | undefined>

export function useValidatedForm(mutationError: unknown, validate: () => Validation, submit: () => void) {
  const [errors, setErrors] = useState<Record<string, string>>({})
  const serverFields = fieldErrorsOf(mutationError)
  const onSubmit = (event?: FormEvent) => {
    event?.preventDefault()
    const next: Record<string, string> = {}
    for (const [field, message] of Object.entries(validate())) {
      if (message) next[field] = message
    }
    setErrors(next)
    if (Object.keys(next).length === 0) submit()
  }
  return {
    errors,
    onSubmit,
    errorFor: (field: string, serverField: string = field): string | undefined =>
      errors[field] ?? serverFields[serverField],
    reset: () => setErrors({}),
  }
}
