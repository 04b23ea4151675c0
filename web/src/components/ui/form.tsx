import type { FormHTMLAttributes, ReactNode } from 'react'
import { ActionFeedback } from './alert.tsx'
import { Button, type ButtonVariant } from './button.tsx'
import { Card } from './card.tsx'

export type FormProps = Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'noValidate'> & {
  onSubmit: () => void
}

/**
 * A form that stays on the page: submitting calls `onSubmit` without a reload, and the browser's own
 * validation bubbles are off (each field shows its error). Fields are spaced unless `className` says otherwise.
 */
export function Form({ onSubmit, className = 'space-y-4', ...rest }: FormProps) {
  return (
    <form
      noValidate
      className={className}
      onSubmit={(event) => {
        event.preventDefault()
        onSubmit()
      }}
      {...rest}
    />
  )
}

/** A card holding one form: an optional lead, the outcome (error or notice), the fields, the submit button. */
export function FormCard({
  title,
  description,
  lead,
  error,
  notice,
  submitLabel,
  submitVariant,
  pending,
  disabled,
  onSubmit,
  children,
}: {
  title: ReactNode
  description?: ReactNode
  lead?: ReactNode
  error?: string | null
  notice?: string | null
  submitLabel: ReactNode
  submitVariant?: ButtonVariant
  pending?: boolean
  disabled?: boolean
  onSubmit: () => void
  children: ReactNode
}) {
  return (
    <Card title={title} description={description}>
      <Form onSubmit={onSubmit}>
        {lead}
        <ActionFeedback error={error} notice={notice} />
        {children}
        <Button type="submit" variant={submitVariant} loading={pending} disabled={disabled}>
          {submitLabel}
        </Button>
      </Form>
    </Card>
  )
}
