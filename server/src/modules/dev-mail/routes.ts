import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Kernel } from '../../kernel/kernel.ts'
import { capturedMail, escapeHtml } from '../../kernel/mail/index.ts'

const MessageSchema = z.object({
  id: z.uuid(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  createdAt: z.string(),
})

const linkify = (text: string) =>
  escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)

/** The embedded inbox: mail captured instead of sent. Only registered outside production without SMTP. */
export function registerDevMailRoutes(root: FastifyInstance, kernel: Pick<Kernel, 'database'>): void {
  const app = root.withTypeProvider<ZodTypeProvider>()
  const db = kernel.database.db
  const load = () => capturedMail(db)

  app.get(
    '/api/v1/dev/mail',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Development'],
        summary: 'Captured emails (embedded mode only)',
        response: { 200: z.object({ data: z.array(MessageSchema) }) },
      },
    },
    async () => ({ data: await load() }),
  )

  app.get('/dev/mail', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const messages = await load()
    const items = messages
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2>
<p class="meta">To <strong>${escapeHtml(m.to)}</strong> · <time datetime="${m.createdAt}">${m.createdAt}</time></p>
<pre>${linkify(m.text)}</pre></article>`,
      )
      .join('\n')
    reply.type('text/html; charset=utf-8')
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Atrium dev inbox</title><style>body{font-family:system-ui,sans-serif;max-width:800px;margin:2rem auto;padding:0 1rem;color:#111}
article{border:1px solid #ccc;border-radius:8px;padding:1rem;margin:1rem 0}pre{white-space:pre-wrap;font-family:inherit}
.meta{color:#444;font-size:.9rem}a{color:#1d4ed8}</style></head><body><main><h1>Dev inbox</h1>
<p>Emails Atrium would have sent. Set <code>SMTP_URL</code> to deliver them.</p>
${items || '<p>No emails yet.</p>'}</main></body></html>`
  })
}
