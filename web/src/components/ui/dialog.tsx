import { type ReactNode, useEffect, useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Button, type ButtonVariant } from './button.tsx'
import { Form } from './form.tsx'

export type DialogProps = {
  open: boolean
  onClose: () => void
  title: ReactNode
  description?: ReactNode
  children?: ReactNode
  footer?: ReactNode
  /**
   * Where focus goes when the dialog closes if the element that opened it is gone (a bar that closed
   * with the action, a button replaced by the result).
   */
  returnFocus?: () => HTMLElement | null | undefined
}

export function Dialog({ open, onClose, title, description, children, footer, returnFocus }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const descriptionId = useId()
  const fallback = useRef(returnFocus)
  fallback.current = returnFocus

  // Focus goes back where it was when the dialog closes, or is unmounted while open; never to <body>.
  useEffect(() => {
    if (!open) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    return () => {
      setTimeout(() => {
        const current = document.activeElement
        if (current && current !== document.body && current.isConnected) return
        const target = opener?.isConnected ? opener : fallback.current?.()
        target?.focus()
      }, 0)
    }
  }, [open])

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
      className="m-auto w-[min(32rem,calc(100%-2rem))] rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {open ? (
        <div className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {description ? (
            <p id={descriptionId} className="text-sm text-slate-700 dark:text-slate-300">
              {description}
            </p>
          ) : null}
          {children}
          {footer ? <div className="flex flex-wrap justify-end gap-2">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  )
}

export type ConfirmDialogProps = {
  open: boolean
  title: ReactNode
  description: ReactNode
  confirmLabel: ReactNode
  pending?: boolean
  error?: string | null
  onConfirm: () => void
  onClose: () => void
  returnFocus?: () => HTMLElement | null | undefined
}

export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
  returnFocus,
}: ConfirmDialogProps) {
  const { t } = useTranslation()
  return (
    <Dialog
      open={open}
      onClose={onClose}
      returnFocus={returnFocus}
      title={title}
      description={description}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div aria-live="assertive">
        {error ? <p className="text-sm text-red-700 dark:text-red-400">{error}</p> : null}
      </div>
    </Dialog>
  )
}

export type FormDialogProps = Omit<DialogProps, 'open' | 'footer'> & {
  /** Called on submit (Enter in a field or the submit button), after the browser's own handling. */
  onSubmit: () => void
  submitLabel: ReactNode
  /** `danger` for a submit that undoes or refuses something (decline, delete). */
  submitVariant?: ButtonVariant
  pending?: boolean
}

/**
 * A form in a dialog: the fields (children) in a form, Cancel and the submit button in the footer,
 * bound to the form by its id so Enter in any field submits. The caller puts its error line first
 * among the children.
 */
export function FormDialog({
  onSubmit,
  submitLabel,
  submitVariant,
  pending,
  children,
  onClose,
  ...dialog
}: FormDialogProps) {
  const { t } = useTranslation()
  const formId = useId()
  return (
    <Dialog
      open
      onClose={onClose}
      {...dialog}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" form={formId} variant={submitVariant} loading={pending}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <Form id={formId} onSubmit={onSubmit} className="space-y-3">
        {children}
      </Form>
    </Dialog>
  )
}
