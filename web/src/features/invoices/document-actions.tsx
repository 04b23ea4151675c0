import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Card, FormDialog, Input } from '../../components/ui/index.ts'
import { showToast } from '../../components/ui/toast.tsx'
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts'
import { type DocKind, docPath, documentApi, documentQuery, type InvoiceDocument } from './api.ts'
import { kindText } from './kind-text.ts'
import './document-strings.ts'

/** After a change, the document is replaced in the cache and its kind's lists are read again. */
export function useDocumentRefresh(kind: DocKind, documentId: string) {
  const queryClient = useQueryClient()
  return (next?: InvoiceDocument) => {
    if (next) queryClient.setQueryData(documentQuery(kind, documentId).queryKey, next)
    return queryClient.invalidateQueries({ queryKey: [docPath(kind)] })
  }
}

/** The address a document is emailed to (empty: the client's), for sending and for sending again. */
function AddressDialog({
  onClose,
  title,
  description,
  submitLabel,
  to,
  onToChange,
  mutation,
}: {
  onClose: () => void
  title: string
  description: string
  submitLabel: string
  to: string
  onToChange: (to: string) => void
  mutation: { mutate: () => void; error: unknown; isPending: boolean }
}) {
  const { t } = useTranslation()
  const fields = fieldErrorsOf(mutation.error)
  return (
    <FormDialog
      onClose={onClose}
      title={title}
      description={description}
      submitLabel={submitLabel}
      pending={mutation.isPending}
      onSubmit={() => mutation.mutate()}
    >
      {mutation.error && !fields.to ? <Alert tone="error">{errorMessage(mutation.error, t)}</Alert> : null}
      <Input
        type="email"
        label={t('invoices.detail.sendTo')}
        hint={t('invoices.detail.sendToHint')}
        value={to}
        error={fields.to}
        onChange={(e) => onToChange(e.target.value)}
      />
    </FormDialog>
  )
}

/** Sends a draft: it takes its number, is frozen, and the email with its PDF and view link is queued. */
export function SendButton({
  invoice,
  beforeSend,
}: {
  invoice: InvoiceDocument
  /** Saves what is typed first, so what is sent is what the user sees. */
  beforeSend?: () => Promise<unknown>
}) {
  const { t } = useTranslation()
  const kind = invoice.kind
  const [open, setOpen] = useState(false)
  const [to, setTo] = useState('')
  const refresh = useDocumentRefresh(kind, invoice.id)
  const send = useMutation({
    mutationFn: async () => {
      await beforeSend?.()
      return documentApi(kind).send({ documentId: invoice.id, to: to.trim() || undefined })
    },
    onSuccess: (sent) => {
      setOpen(false)
      showToast({ message: kindText(t, kind, 'detail.sent') })
      void refresh(sent)
    },
  })
  return (
    <>
      <Button
        onClick={() => {
          send.reset()
          setOpen(true)
        }}
      >
        {t('invoices.detail.send')}
      </Button>
      {open ? (
        <AddressDialog
          onClose={() => setOpen(false)}
          title={kindText(t, kind, 'detail.sendTitle')}
          description={kindText(t, kind, 'detail.sendHint')}
          submitLabel={t('invoices.detail.send')}
          to={to}
          onToChange={setTo}
          mutation={send}
        />
      ) : null}
    </>
  )
}

/** Emails a sent document again: its PDF and a fresh view link (the previous link stops working). */
export function EmailAgainButton({ invoice }: { invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const kind = invoice.kind
  const [open, setOpen] = useState(false)
  const [to, setTo] = useState('')
  const email = useMutation({
    mutationFn: () => documentApi(kind).emailAgain({ documentId: invoice.id, to: to.trim() || undefined }),
    onSuccess: (done) => {
      setOpen(false)
      showToast({ message: kindText(t, kind, 'detail.emailed', { to: done.to }) })
    },
  })
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          email.reset()
          setOpen(true)
        }}
      >
        {t('invoices.detail.emailAgain')}
      </Button>
      {open ? (
        <AddressDialog
          onClose={() => setOpen(false)}
          title={kindText(t, kind, 'detail.emailAgainTitle')}
          description={kindText(t, kind, 'detail.emailAgainHint')}
          submitLabel={t('invoices.detail.emailAgain')}
          to={to}
          onToChange={setTo}
          mutation={email}
        />
      ) : null}
    </>
  )
}

/** A new view link for a sent document (shown once, with Copy), or revoking the current one. */
export function ViewLink({ invoice }: { invoice: InvoiceDocument }) {
  const { t } = useTranslation()
  const [url, setUrl] = useState<string | null>(null)
  const api = documentApi(invoice.kind)
  const rotate = useMutation({
    mutationFn: () => api.rotateLink(invoice.id),
    onSuccess: (link) => setUrl(link.url),
  })
  const revoke = useMutation({
    mutationFn: () => api.revokeLink(invoice.id),
    onSuccess: () => {
      setUrl(null)
      showToast({ message: t('invoices.detail.revoked') })
    },
  })
  const error = rotate.error ?? revoke.error
  return (
    <Card title={t('invoices.detail.viewLink')}>
      <div className="space-y-2">
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" loading={rotate.isPending} onClick={() => rotate.mutate()}>
            {t('invoices.detail.rotateLink')}
          </Button>
          <Button variant="secondary" loading={revoke.isPending} onClick={() => revoke.mutate()}>
            {t('invoices.detail.revokeLink')}
          </Button>
        </div>
        {error ? <Alert tone="error">{errorMessage(error, t)}</Alert> : null}
        {url ? (
          <div className="space-y-1 text-sm">
            <p>{t('invoices.detail.linkMade')}</p>
            <div className="flex gap-2">
              <Input label={t('invoices.detail.viewLink')} readOnly value={url} containerClassName="flex-1" />
              <Button
                variant="secondary"
                className="self-end"
                onClick={() =>
                  void navigator.clipboard
                    ?.writeText(url)
                    .then(() => showToast({ message: t('invoices.detail.copied') }))
                    .catch(() => {})
                }
              >
                {t('invoices.detail.copyLink')}
              </Button>
            </div>
          </div>
        ) : null}
      </div>
    </Card>
  )
}
