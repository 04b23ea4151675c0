import { randomUUID } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import swagger from '@fastify/swagger'
import Fastify, { type FastifyInstance, LogController } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod'
import pino, { type Logger } from 'pino'
import type { Config } from './config.ts'
import type { BetterAuth } from './kernel/auth/better-auth.ts'
import { memoryRateLimiter, redisRateLimiter, withFallback } from './kernel/auth/rate-limit.ts'
import { registerAuthRoutes } from './kernel/auth/routes.ts'
import { type Database, openDatabase } from './kernel/db/index.ts'
import { registerApiCallMetering } from './kernel/entitlements/api-calls.ts'
import { Events } from './kernel/events/index.ts'
import { checkReady } from './kernel/health/index.ts'
import { registerAuthHook } from './kernel/http/auth-hook.ts'
import { registerErrorHandling } from './kernel/http/errors.ts'
import { registerIdempotency } from './kernel/http/idempotency.ts'
import {
  clientErrorHandler,
  frameworkErrors,
  registerInputGuards,
  validatorCompiler,
} from './kernel/http/input.ts'
import { declareProblems } from './kernel/http/openapi.ts'
import { registerSecurityHeaders } from './kernel/http/security-headers.ts'
import { inlineScriptHashes, registerWebApp } from './kernel/http/web.ts'
import { Jobs } from './kernel/jobs/index.ts'
import type { Kernel } from './kernel/kernel.ts'
import { createMailer, registerMailJob } from './kernel/mail/index.ts'
import { assembleModules, type ModuleDefinition, registerModuleWork } from './kernel/module.ts'
import { registerMetrics } from './kernel/observability/metrics.ts'
import { registerRealtimeJobs } from './kernel/realtime/jobs.ts'
import { registerRealtime } from './kernel/realtime/routes.ts'
import { modules } from './modules/index.ts'

const here = dirname(fileURLToPath(import.meta.url))
export const webDist = resolve(here, '../../web/dist')

/** What no log line may show: credentials in headers and any field named as a secret. */
export const logRedaction = {
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'req.headers["stripe-signature"]',
    '*.password',
    '*.token',
    '*.secret',
    '*.secretKey',
    '*.webhookSecret',
    '*.clientSecret',
  ],
  censor: '[redacted]',
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, redact: logRedaction })
}

/** Wires the kernel services once per process, then every module's jobs and event subscribers. */
export async function createKernel(
  config: Config,
  opts: { database?: Database; log?: Logger; modules?: readonly ModuleDefinition[] } = {},
): Promise<Kernel> {
  const assembled = assembleModules(opts.modules ?? modules)
  const log = opts.log ?? createLogger(config)
  const database =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost'),
    }))
  const jobs = new Jobs(database, log.child({ component: 'jobs' }))
  const events = new Events(jobs)
  registerMailJob(
    jobs,
    createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      database,
      log: log.child({ component: 'mail' }),
    }),
  )
  registerRealtimeJobs(jobs, database)
  let betterAuth: Promise<BetterAuth> | undefined
  const auth = () =>
    (betterAuth ??= import('./kernel/auth/better-auth.ts').then(({ createBetterAuth }) =>
      createBetterAuth({ config, db: database.db, jobs }),
    ))
  const { max, windowSeconds } = config.signInRateLimit
  // Commands fail at once while Redis is disconnected (no offline queue) and within half a second when
  // it does not answer, so callers fall back or answer 503 instead of waiting.
  // ioredis is loaded only when REDIS_URL is set: a single node does not pay for it.
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 500,
        connectTimeout: 2000,
      })
    : null
  redis?.on('error', (err) => log.error({ err: err.message }, 'redis error'))
  let redisDown = false
  redis?.on('ready', () => {
    if (redisDown) log.info('redis is back: sign-in limits are shared again')
    redisDown = false
  })
  const onRedisDown = (err: unknown) => {
    if (!redisDown)
      log.warn({ err: String(err) }, 'redis unavailable: sign-in limits are per process until it returns')
    redisDown = true
  }
  const rateLimiter = (prefix: string, limit: number, seconds: number) =>
    redis
      ? withFallback(
          redisRateLimiter(redis, prefix, limit, seconds),
          memoryRateLimiter(limit, seconds),
          onRedisDown,
        )
      : memoryRateLimiter(limit, seconds)
  const limiter = (prefix: string, limit: number) => rateLimiter(prefix, limit, windowSeconds)
  const kernel: Kernel = {
    ...assembled,
    config,
    log,
    database,
    jobs,
    events,
    auth,
    redis,
    limiters: { signInAccount: limiter('signin-account', max), signInIp: limiter('signin-ip', max * 5) },
    rateLimiter,
    async close() {
      await jobs.stop()
      await redis?.quit()
      await database.close()
    },
  }
  registerModuleWork(kernel)
  return kernel
}

type OpenApiDoc = {
  paths?: Record<string, Record<string, { tags?: string[] } & Record<string, unknown>>>
  components?: { schemas?: Record<string, unknown> }
}

/** Adds Better Auth's own description of /api/auth/* to ours, its schemas prefixed with "Auth". */
function mergeAuthSpec(ours: OpenApiDoc, auth: OpenApiDoc): OpenApiDoc {
  const renamed = JSON.parse(
    JSON.stringify({ paths: auth.paths ?? {}, schemas: auth.components?.schemas ?? {} }).replaceAll(
      '"#/components/schemas/',
      '"#/components/schemas/Auth',
    ),
  ) as { paths: NonNullable<OpenApiDoc['paths']>; schemas: Record<string, unknown> }
  const paths = { ...ours.paths }
  for (const [path, operations] of Object.entries(renamed.paths)) {
    // The OAuth callback only serves social providers, which are not configured.
    if (path.startsWith('/callback/')) continue
    for (const op of Object.values(operations)) {
      op.tags = ['Authentication']
      delete op.security
    }
    paths[`/api/auth${path}`] = operations
  }
  const schemas = { ...ours.components?.schemas }
  for (const [name, schema] of Object.entries(renamed.schemas)) schemas[`Auth${name}`] = schema
  return { ...ours, paths, components: { ...ours.components, schemas } }
}

const API_REFERENCE_PATHS = ['/api/docs', '/api/docs/', '/api/docs/js/scalar.js']
const PASSED_THROUGH = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding'])

/**
 * The Scalar API reference at /api/docs. Its plugin holds a 4.7 MB script (19 MB of heap) from the
 * moment it is imported, so it is loaded on the first request to one of its paths, into an app of
 * its own that these routes pass requests to.
 */
function registerApiReference(app: FastifyInstance): void {
  let reference: Promise<FastifyInstance> | undefined
  const load = async () => {
    const { default: scalar } = await import('@scalar/fastify-api-reference')
    const inner = Fastify() as unknown as FastifyInstance
    await inner.register(scalar, {
      routePrefix: '/api/docs',
      configuration: {
        url: '/api/openapi.json',
        withDefaultFonts: false,
        showDeveloperTools: 'never',
        agent: { disabled: true },
        telemetry: false,
      } as never,
    })
    await inner.ready()
    return inner
  }
  for (const url of API_REFERENCE_PATHS)
    app.get(url, { schema: { hide: true }, config: { auth: 'public' } }, async (req, reply) => {
      reference ??= load().catch((err) => {
        reference = undefined
        throw err
      })
      const res = await (await reference).inject({ method: 'GET', url: req.url, headers: req.headers })
      for (const [name, value] of Object.entries(res.headers))
        if (!PASSED_THROUGH.has(name) && value !== undefined) reply.header(name, value)
      return reply.code(res.statusCode).send(res.rawPayload)
    })
}

/** Builds the HTTP app: kernel plugins first, then every module's routes, then the web app. */
export async function buildApp(kernel: Kernel): Promise<FastifyInstance> {
  const { config } = kernel
  const app = Fastify({
    loggerInstance: kernel.log,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID()
    },
    bodyLimit: 1024 * 1024,
    // Requests during shutdown are answered by our own hook, as problem+json (see cli.ts).
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  }) as unknown as FastifyInstance
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id)
  })

  const scriptHashes = inlineScriptHashes(webDist)
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...scriptHashes],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    hsts: config.secureCookies,
  })
  registerErrorHandling(app)
  registerInputGuards(app)
  registerMetrics(app)
  registerAuthHook(app, kernel.database, config.secretKey, config.sessionCacheMs)
  registerIdempotency(app, kernel.database)
  registerApiCallMetering(app, kernel.database)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atrium API',
        version: '1',
        description: 'The Atrium HTTP API. Errors are RFC 9457 problem details.',
      },
      servers: [{ url: config.appUrl }],
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'atrium.session_token' } },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  let spec: unknown = null
  app.get('/api/openapi.json', { schema: { hide: true }, config: { auth: 'public' } }, async () => {
    spec ??= mergeAuthSpec(
      declareProblems(app.swagger() as unknown as OpenApiDoc, (path) => path.startsWith('/api/v1/')),
      (await (await kernel.auth()).api.generateOpenAPISchema()) as unknown as OpenApiDoc,
    )
    return spec
  })
  await app.register(async (docs) => {
    docs.addHook('onSend', async (_req, reply) => {
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:",
      )
    })
    registerApiReference(docs)
  })

  app.get('/healthz', { schema: { hide: true }, config: { auth: 'public' } }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: { hide: true }, config: { auth: 'public' } }, async () => checkReady(kernel))

  registerAuthRoutes(app, kernel)
  registerRealtime(app, kernel)
  for (const m of kernel.modules) await m.routes?.(app, kernel)
  await registerWebApp(app, webDist)
  return app
}
