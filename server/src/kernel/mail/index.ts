import { desc } from 'drizzle-orm'
import type { Transporter } from 'nodemailer'
import type { Logger } from 'pino'
import type { Database, Db } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'
import { mailMessages } from './schema.ts'

/** A file sent with a message; `content` is base64 (job data is JSON). */
export type MailAttachment = { filename: string; contentType: string; content: string }

export type MailMessage = {
  to: string
  subject: string
  text: string
  html?: string
  attachments?: MailAttachment[]
}

export type Mailer = { deliver(msg: MailMessage): Promise<void> }

/** SMTP through Nodemailer when SMTP_URL is set; otherwise mail is captured in the database. */
export function createMailer(opts: {
  smtpUrl?: string
  from: string
  database: Database
  log: Logger
}): Mailer {
  if (opts.smtpUrl) {
    const smtpUrl = opts.smtpUrl
    // Loaded with the first message: a server that has sent nothing does not hold Nodemailer.
    let transport: Promise<Transporter> | null = null
    return {
      async deliver(msg) {
        transport ??= import('nodemailer').then((m) => m.default.createTransport(smtpUrl))
        await (await transport).sendMail({
          from: opts.from,
          ...msg,
          attachments: msg.attachments?.map((a) => ({ ...a, encoding: 'base64' })),
        })
        opts.log.info({ to: msg.to, subject: msg.subject }, 'mail sent')
      },
    }
  }
  return {
    async deliver(msg) {
      await opts.database.db
        .insert(mailMessages)
        .values({ from: opts.from, ...msg, attachments: msg.attachments ?? [] })
      opts.log.info({ to: msg.to, subject: msg.subject, text: msg.text }, 'mail captured (see /dev/mail)')
    },
  }
}

/** The newest captured messages (embedded mode), for the dev inbox. */
export async function capturedMail(db: Db, limit = 100) {
  const rows = await db.select().from(mailMessages).orderBy(desc(mailMessages.createdAt)).limit(limit)
  return rows.map((m) => ({
    id: m.id,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    createdAt: m.createdAt.toISOString(),
  }))
}

export const MAIL_QUEUE = 'mail.send'

/** Registers the mail job; every email leaves through it, never from a request handler. */
export function registerMailJob(jobs: Jobs, mailer: Mailer): void {
  jobs.register<MailMessage>(MAIL_QUEUE, (msg) => mailer.deliver(msg), { retryLimit: 8 })
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Renders a plain transactional email with one call to action, as text and HTML. */
export function renderEmail(opts: {
  subject: string
  greeting: string
  lines: string[]
  action?: { label: string; url: string }
  footer?: string
}): Omit<MailMessage, 'to'> {
  const text = [
    opts.greeting,
    '',
    ...opts.lines,
    ...(opts.action ? ['', `${opts.action.label}: ${opts.action.url}`] : []),
    ...(opts.footer ? ['', opts.footer] : []),
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:auto;padding:24px">
<p>${escapeHtml(opts.greeting)}</p>
${opts.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}
${opts.action ? `<p><a href="${escapeHtml(opts.action.url)}" style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(opts.action.label)}</a></p><p style="font-size:12px;color:#555">${escapeHtml(opts.action.url)}</p>` : ''}
${opts.footer ? `<p style="font-size:12px;color:#555">${escapeHtml(opts.footer)}</p>` : ''}
</body></html>`
  return { subject: opts.subject, text, html }
}

export { escapeHtml }
