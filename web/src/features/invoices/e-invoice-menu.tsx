import { Link } from '@tanstack/react-router'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, buttonClasses } from '../../components/ui/index.ts'
import { ApiError, type ProblemBody } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { docPath } from './api.ts'

const formats = ['factur-x', 'xrechnung-ubl', 'xrechnung-cii'] as const
type Format = (typeof formats)[number]

export const eInvoiceUrl = (kind: 'invoice' | 'credit_note', documentId: string, format: Format) =>
  `/api/v1/${docPath(kind)}/${encodeURIComponent(documentId)}/e-invoice?format=${format}`

/** Fetches the file; a refusal (a 409 draft, a 422 the data cannot form) becomes an ApiError. */
async function fetchEInvoice(
  kind: 'invoice' | 'credit_note',
  invoiceId: string,
  format: Format,
): Promise<{ blob: Blob; filename: string }> {
  const response = await fetch(eInvoiceUrl(kind, invoiceId, format), {
    credentials: 'include',
    headers: { accept: 'application/pdf, application/xml, application/problem+json' },
  })
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as ProblemBody
    throw new ApiError(response.status, body)
  }
  const disposition = response.headers.get('content-disposition') ?? ''
  const filename =
    /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${format}.${format === 'factur-x' ? 'pdf' : 'xml'}`
  return { blob: await response.blob(), filename }
}

/**
 * "Download e-invoice": Factur-X (PDF/A-3 with the XML inside) or XRechnung UBL/CII. The file is
 * fetched first, so data that cannot form an EN 16931 invoice shows the reason and where to fix it
 * rather than a broken download. A disclosure: Enter/Space opens it, Escape closes it and returns focus.
 */
export function EInvoiceMenu({
  invoiceId,
  kind = 'invoice',
}: {
  invoiceId: string
  kind?: 'invoice' | 'credit_note'
}) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState<Format | null>(null)
  const [error, setError] = useState<unknown>(null)
  const listId = useId()
  const toggle = useRef<HTMLButtonElement>(null)

  const download = async (format: Format) => {
    setBusy(format)
    setError(null)
    try {
      const { blob, filename } = await fetchEInvoice(kind, invoiceId, format)
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = filename
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
      setOpen(false)
      toggle.current?.focus()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(null)
    }
  }

  // Escape closes the list from anywhere (focus may have left it while a file was fetched).
  useEffect(() => {
    if (!open) return
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return
      setOpen(false)
      toggle.current?.focus()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [open])

  const settingsFault = error instanceof ApiError && error.status === 422
  return (
    <div className="relative">
      <button
        ref={toggle}
        type="button"
        className={buttonClasses('secondary')}
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        {t('invoices.eInvoice.download')}
      </button>
      {open ? (
        <ul
          id={listId}
          aria-label={t('invoices.eInvoice.download')}
          className="absolute z-10 mt-1 min-w-56 space-y-1 rounded-lg border border-slate-200 bg-white p-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {formats.map((format) => (
            <li key={format}>
              <Button
                variant="ghost"
                className="w-full justify-start"
                loading={busy === format}
                disabled={busy !== null}
                onClick={() => void download(format)}
              >
                {t(`invoices.eInvoice.formats.${format}`)}
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <Alert tone="error" className="mt-2 max-w-md">
          <span>{errorMessage(error, t)}</span>{' '}
          {settingsFault ? (
            <Link to="/settings/invoices" className="font-medium underline">
              {t('invoices.eInvoice.fixSettings')}
            </Link>
          ) : null}
        </Alert>
      ) : null}
    </div>
  )
}
