import { parseArgs } from 'node:util'
import { buildApp, createKernel, createLogger } from './app.ts'
import { startupDone } from './boot.ts'
import { ConfigError, loadConfig } from './config.ts'
import { createUser, seedDemo } from './db/seed.ts'
import { openDatabase } from './kernel/db/index.ts'
import { RETRY_AFTER_SECONDS } from './kernel/health/index.ts'
import { Problem } from './kernel/http/problem.ts'

const usage = `Usage: atrium <command>

Commands:
  serve          start the HTTP server and the job worker (default)
  serve --no-worker   start only the HTTP server
  worker         run only background jobs
  migrate        apply database migrations
  seed           create the demo workspace if the database has no users
  create-admin --email E --password P [--name N] [--workspace NAME --slug SLUG] [--operator]
                 create a verified user, optionally owning a new workspace; --operator makes them an
                 operator of the installation (for an existing user, --email E --operator is enough)
  payments rotate-key
                 after SECRET_KEY changed (former key in SECRET_KEY_PREVIOUS): re-encrypt every
                 workspace's payment gateway secrets under the new key
  payments reconcile [--days N]
                 list the last N days (default 7) of Stripe payments made through Atrium and report
                 any whose state differs from Atrium's records (exit code 1 when some do)
  billing reconcile [--days N]
                 list the operator's Stripe subscriptions of the last N days (default 7), and those
                 Atrium holds as live, and report any that differ from workspace billing (exit code 1)
`

async function main() {
  const [command = 'serve', ...rest] = process.argv.slice(2)
  if (command === 'help' || command === '--help') {
    process.stdout.write(usage)
    return
  }
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config)
  const started = performance.now()

  if (command === 'billing') {
    if (rest[0] !== 'reconcile') {
      process.stderr.write(usage)
      process.exit(2)
    }
    const { values } = parseArgs({ args: rest.slice(1), options: { days: { type: 'string', default: '7' } } })
    const days = Number(values.days)
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      process.stderr.write('--days must be a whole number of days from 1 to 365\n')
      process.exit(2)
    }
    const { billingStripe } = await import('./modules/billing/stripe-client.ts')
    const stripe = billingStripe({ config })
    if (!stripe) {
      process.stderr.write(
        'Stripe billing is not configured (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)\n',
      )
      process.exit(2)
    }
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
    await database.migrate()
    const { reconcileSubscriptions } = await import('./modules/billing/stripe-reconcile.ts')
    const differences = await reconcileSubscriptions(database.db, stripe, days)
    for (const d of differences) process.stdout.write(`${JSON.stringify(d)}\n`)
    log.info({ days, differences: differences.length }, 'billing reconciled')
    await database.close()
    if (differences.length) process.exit(1)
    return
  }

  if (command === 'payments') {
    if (rest[0] !== 'rotate-key' && rest[0] !== 'reconcile') {
      process.stderr.write(usage)
      process.exit(2)
    }
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
    await database.migrate()
    if (rest[0] === 'reconcile') {
      const { values } = parseArgs({
        args: rest.slice(1),
        options: { days: { type: 'string', default: '7' } },
      })
      const days = Number(values.days)
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        process.stderr.write('--days must be a whole number of days from 1 to 365\n')
        process.exit(2)
      }
      const { reconcile } = await import('./modules/payments/reconcile.ts')
      const { KeyRing } = await import('./modules/payments/secrets.ts')
      const keys = new KeyRing(config.secretKey, config.previousSecretKeys)
      const differences = await reconcile(
        database.db,
        { keys, stripeApi: config.stripeApi, paypalApi: config.paypalApiUrl },
        days,
      )
      for (const d of differences) process.stdout.write(`${JSON.stringify(d)}\n`)
      log.info({ days, differences: differences.length }, 'payments reconciled')
      await database.close()
      if (differences.length) process.exit(1)
      return
    }
    const { rotateGatewaySecrets } = await import('./modules/payments/rotate.ts')
    const { KeyRing } = await import('./modules/payments/secrets.ts')
    const report = await rotateGatewaySecrets(
      database.db,
      new KeyRing(config.secretKey, config.previousSecretKeys),
    )
    log.info(report, 'payment gateway secrets re-encrypted')
    await database.close()
    if (report.unreadable.length) process.exit(1)
    return
  }

  if (command === 'migrate' || command === 'seed' || command === 'create-admin') {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir })
    await database.migrate()
    if (command === 'seed') {
      const demo = await seedDemo(database)
      log.info(
        demo ? { demo } : {},
        demo ? 'demo workspace created' : 'database already has users; nothing seeded',
      )
    } else if (command === 'create-admin') {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: 'string' },
          password: { type: 'string' },
          name: { type: 'string' },
          workspace: { type: 'string' },
          slug: { type: 'string' },
          operator: { type: 'boolean', default: false },
        },
      })
      const { grantOperator } = await import('./modules/billing/index.ts')
      const existing = values.email && values.operator ? await findUserId(database, values.email) : null
      if (existing && !values.password) {
        await grantOperator(database.db, existing)
        log.info({ userId: existing }, 'user is now an operator')
        await database.close()
        return
      }
      if (!values.email || !values.password || values.password.length < 10) {
        process.stderr.write('create-admin needs --email and --password (at least 10 characters)\n')
        process.exit(2)
      }
      const r = await createUser(database, {
        email: values.email,
        password: values.password,
        name: values.name ?? values.email.split('@')[0]!,
        workspace: values.workspace
          ? {
              name: values.workspace,
              slug: values.slug ?? values.workspace.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
            }
          : undefined,
      })
      if (values.operator) await grantOperator(database.db, r.userId)
      log.info({ ...r, operator: values.operator }, 'user created')
    } else {
      log.info('migrations applied')
    }
    await database.close()
    return
  }

  if (command !== 'serve' && command !== 'worker') {
    process.stderr.write(usage)
    process.exit(2)
  }

  const kernel = await createKernel(config, { log })
  await kernel.database.migrate()
  if (config.seed) {
    const demo = await seedDemo(kernel.database)
    if (demo)
      log.warn(
        { email: demo.email, password: demo.password },
        'Demo workspace created. Sign in with this email and password; it is shown only once.',
      )
  }
  const work = command === 'worker' || !rest.includes('--no-worker')
  await kernel.jobs.start({ work })

  let stopping = false
  let app: Awaited<ReturnType<typeof buildApp>> | null = null
  if (command === 'serve') {
    app = await buildApp(kernel)
    // Requests that arrive once shutdown has begun (on a kept-alive connection) are refused like any
    // other error, as problem+json, and told to come back (to another node) shortly.
    app.addHook('onRequest', async (_req, reply) => {
      if (!stopping) return
      reply.header('connection', 'close')
      throw new Problem({
        status: 503,
        type: 'shutting-down',
        title: 'Service unavailable',
        detail: 'This server is shutting down. Retry in a few seconds.',
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      })
    })
    await app.listen({ port: config.port, host: config.host })
    log.info(
      {
        url: config.appUrl,
        database: kernel.database.kind,
        startupMs: Math.round(performance.now() - started),
      },
      'Atrium is ready',
    )
    if (config.devMail)
      log.warn(
        { inbox: `${config.appUrl}/dev/mail` },
        'Emails are captured, not sent, and readable by anyone at /dev/mail. Set SMTP_URL (or NODE_ENV=production) before exposing this server.',
      )
  } else {
    log.info('worker started')
  }
  startupDone()

  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    await app?.close()
    await kernel.close()
    process.exit(0)
  }
  // A promise nobody awaited that fails (typically a dependency going away) is logged; it must not
  // take down the requests and jobs this process is serving.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'))
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

/** The id of the user with this email, or null. */
async function findUserId(database: Awaited<ReturnType<typeof openDatabase>>, email: string) {
  const rows = await database.query<{ id: string }>('select id from users where email = $1', [
    email.toLowerCase(),
  ])
  return rows[0]?.id ?? null
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  process.exit(1)
})
