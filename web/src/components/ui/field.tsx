import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react'
import { cn } from './cn.ts'

// Disabled controls look read-only (grey, no shadow), not like fields waiting for input.
export const controlClasses =
  'block w-full rounded-md border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 disabled:cursor-not-allowed disabled:border-dashed disabled:bg-slate-100 disabled:text-slate-600 disabled:shadow-none dark:disabled:bg-slate-800 dark:disabled:text-slate-300'

export function borderFor(error?: string) {
  return error ? 'border-red-700 dark:border-red-400' : 'border-slate-400 dark:border-slate-500'
}

type FieldShellProps = {
  id: string
  label: ReactNode
  /** The label is for screen readers only (the context names the field). */
  hideLabel?: boolean
  hint?: ReactNode
  error?: string
  className?: string
  children: ReactNode
}

/** A control's label, hint and error, linked by id; the primitives here and the combobox share it. */
export function FieldShell({ id, label, hideLabel, hint, error, className, children }: FieldShellProps) {
  return (
    <div className={cn('space-y-1', className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {hideLabel ? <span className="sr-only">{label}</span> : label}
      </label>
      {children}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  )
}

/** A field's hint and error, with the ids `describedBy` points at. */
function FieldNotes({ id, hint, error }: { id: string; hint?: ReactNode; error?: string }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600 dark:text-slate-300">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </>
  )
}

export function describedBy(id: string, hint: unknown, error: unknown) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean)
  return ids.length ? ids.join(' ') : undefined
}

export type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & {
  label: ReactNode
  hint?: ReactNode
  error?: string
  containerClassName?: string
}

export function Input({ label, hint, error, containerClassName, className, ...rest }: InputProps) {
  const id = useId()
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={containerClassName}>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cn(controlClasses, borderFor(error), className)}
        {...rest}
      />
    </FieldShell>
  )
}

export type TextareaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> & {
  label: ReactNode
  hint?: ReactNode
  error?: string
  containerClassName?: string
  hideLabel?: boolean
}

export function Textarea({
  label,
  hint,
  error,
  containerClassName,
  className,
  hideLabel,
  ...rest
}: TextareaProps) {
  const id = useId()
  return (
    <FieldShell
      id={id}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      className={containerClassName}
    >
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cn(controlClasses, borderFor(error), className)}
        {...rest}
      />
    </FieldShell>
  )
}

export type CheckboxProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> & {
  label: ReactNode
  hint?: ReactNode
  error?: string
  containerClassName?: string
}

/** A checkbox with its label beside it; hint and error are linked like the other fields'. */
export function Checkbox({ label, hint, error, containerClassName, className, ...rest }: CheckboxProps) {
  const id = useId()
  return (
    <div className={cn('space-y-1', containerClassName)}>
      <div className="flex items-start gap-2">
        <input
          id={id}
          type="checkbox"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
          className={cn(
            'mt-0.5 size-4 shrink-0 rounded border-slate-400 accent-indigo-700 dark:accent-indigo-300',
            className,
          )}
          {...rest}
        />
        <label htmlFor={id} className="text-sm text-slate-800 dark:text-slate-200">
          {label}
        </label>
      </div>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  )
}

/** A group of related controls (checkboxes, radios) under one legend. */
export function Fieldset({
  legend,
  hint,
  error,
  className,
  children,
}: {
  legend: ReactNode
  hint?: ReactNode
  error?: string
  className?: string
  children: ReactNode
}) {
  const id = useId()
  return (
    <fieldset aria-describedby={describedBy(id, hint, error)} className={cn('space-y-2', className)}>
      <legend className="mb-1 text-sm font-medium text-slate-800 dark:text-slate-200">{legend}</legend>
      {children}
      <FieldNotes id={id} hint={hint} error={error} />
    </fieldset>
  )
}

export type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
  label: ReactNode
  hint?: ReactNode
  error?: string
  containerClassName?: string
  hideLabel?: boolean
}

export function Select({
  label,
  hint,
  error,
  containerClassName,
  className,
  hideLabel,
  children,
  ...rest
}: SelectProps) {
  const id = useId()
  return (
    <FieldShell
      id={id}
      label={label}
      hideLabel={hideLabel}
      hint={hint}
      error={error}
      className={containerClassName}
    >
      <select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cn(controlClasses, borderFor(error), className)}
        {...rest}
      >
        {children}
      </select>
    </FieldShell>
  )
}

export type SwitchProps = {
  label: ReactNode
  description?: ReactNode
  checked: boolean
  disabled?: boolean
  onChange: (checked: boolean) => void
}

export function Switch({ label, description, checked, disabled, onChange }: SwitchProps) {
  const id = useId()
  return (
    <div className="flex items-start justify-between gap-4">
      <div>
        <span id={`${id}-label`} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
          {label}
        </span>
        {description ? (
          <span id={`${id}-description`} className="block text-sm text-slate-600 dark:text-slate-300">
            {description}
          </span>
        ) : null}
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={description ? `${id}-description` : undefined}
        disabled={disabled}
        onClick={() => onChange(!checked)}
        className={cn(
          'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors disabled:cursor-not-allowed disabled:opacity-60',
          checked ? 'bg-indigo-700 dark:bg-indigo-500' : 'bg-slate-500 dark:bg-slate-600',
        )}
      >
        <span
          aria-hidden="true"
          className={cn(
            'inline-block size-5 rounded-full bg-white shadow transition-transform',
            checked ? 'translate-x-5' : 'translate-x-0',
          )}
        />
      </button>
    </div>
  )
}
