import type { renderEInvoice as RenderEInvoice } from './einvoice.ts'
import type { renderDocumentEmail as RenderDocumentEmail } from './email.ts'
import type { renderPdf as RenderPdf } from './pdf.ts'

/**
 * The renderers, loaded on first use. pdfkit with its fonts, React Email and the e-invoice library
 * hold about 90 MiB and take over a second to load; a server that has not rendered a document yet does
 * not carry them. Route and job code imports the renderers from here, never from the files themselves.
 */
export const renderPdf: typeof RenderPdf = async (...args) => (await import('./pdf.ts')).renderPdf(...args)

export const renderDocumentEmail: typeof RenderDocumentEmail = async (...args) =>
  (await import('./email.ts')).renderDocumentEmail(...args)

export const renderEInvoice: typeof RenderEInvoice = async (...args) =>
  (await import('./einvoice.ts')).renderEInvoice(...args)
