import { createECDH, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import { type PlanInput, PlansFileSchema } from '../../contracts/billing.ts'

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    })

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    APP_URL: z.url({ message: 'must be an absolute URL such as http://localhost:3000' }).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
    SMTP_URL: optionalUrl(['smtp', 'smtps']),
    MAIL_FROM: z.string().min(3).default('Atrium <no-reply@localhost>'),
    REDIS_URL: optionalUrl(['redis', 'rediss']),
    SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    SECRET_KEY_PREVIOUS: z.string().optional(),
    STRIPE_API_URL: optionalUrl(['http', 'https']),
    STRIPE_SECRET_KEY: z
      .string()
      .trim()
      .regex(
        /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,200}$/,
        'must be a Stripe secret or restricted key (sk_test_…)',
      )
      .optional(),
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=_-]{8,200}$/, 'must be a webhook signing secret (whsec_…)')
      .optional(),
    BILLING_GRACE_DAYS: z.coerce.number().int().min(8).max(90).default(14),
    PAYPAL_API_URL: optionalUrl(['http', 'https']),
    OPERATOR_EMAILS: z.string().optional(),
    PLANS_FILE: z.string().optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: bool.default(false),
    ATRIUM_SEED: bool.default(true),
    ATRIUM_DEV_MAIL: bool.optional(),
    SIGNIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    SIGNIN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    REALTIME_CONNECTS_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    MESSAGE_MAX_LENGTH: z.coerce.number().int().min(1).max(100_000).default(10_000),
    MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    S3_ENDPOINT: optionalUrl(['http', 'https']),
    S3_BUCKET: z.string().trim().min(3).max(63).optional(),
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(true),
    FILES_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(100 * 1024 * 1024),
    FILES_ALLOWED_TYPES: z
      .string()
      .trim()
      .regex(
        /^[a-z0-9.+*/-]+(\s*,\s*[a-z0-9.+*/-]+)*$/,
        'must be media types separated by commas (image/*, application/pdf)',
      )
      .optional(),
    VAPID_PUBLIC_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{86,88}$/, 'must be a base64url P-256 public key (web-push generate-vapid-keys)')
      .optional(),
    VAPID_PRIVATE_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{42,44}$/, 'must be a base64url P-256 private key')
      .optional(),
    VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:\S+@\S+|https:\/\/\S+)$/, 'must be a mailto: address or an https:// URL')
      .optional(),
  })
  .refine((e) => !e.STRIPE_SECRET_KEY === !e.STRIPE_WEBHOOK_SECRET, {
    path: ['STRIPE_WEBHOOK_SECRET'],
    message: 'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set together',
  })
  .refine((e) => !e.VAPID_PUBLIC_KEY === !e.VAPID_PRIVATE_KEY, {
    path: ['VAPID_PRIVATE_KEY'],
    message: 'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together',
  })
  .refine((e) => !!e.S3_BUCKET || !(e.S3_ENDPOINT || e.S3_ACCESS_KEY_ID || e.S3_SECRET_ACCESS_KEY), {
    path: ['S3_BUCKET'],
    message: 'is required when another S3_ variable is set',
  })
  .refine((e) => !e.S3_ACCESS_KEY_ID === !e.S3_SECRET_ACCESS_KEY, {
    path: ['S3_SECRET_ACCESS_KEY'],
    message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together',
  })

export type Config = {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  appUrl: string
  /** Origins that may call the auth endpoints: APP_URL, and its loopback spellings when APP_URL is the default. */
  trustedOrigins: string[]
  secureCookies: boolean
  dataDir: string
  databaseUrl: string | undefined
  smtpUrl: string | undefined
  mailFrom: string
  redisUrl: string | undefined
  secretKey: string
  /** Earlier SECRET_KEYs (SECRET_KEY_PREVIOUS, comma-separated): they still open secrets sealed with them. */
  previousSecretKeys: string[]
  /** Where the Stripe SDK sends its calls (STRIPE_API_URL): Stripe's own API when unset. */
  stripeApi: { protocol: 'http' | 'https'; host: string; port: number } | null
  /** The operator's own Stripe account, which bills workspaces for their plans (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET). */
  billingStripe: { secretKey: string; webhookSecret: string } | null
  /** Days a past-due subscription keeps its plan before it is canceled (BILLING_GRACE_DAYS). */
  billingGraceDays: number
  /** Where PayPal calls go (PAYPAL_API_URL): PayPal's own API (live or sandbox, by the connection's mode) when unset. */
  paypalApiUrl: string | null
  logLevel: string
  trustProxy: boolean
  seed: boolean
  devMail: boolean
  signInRateLimit: { max: number; windowSeconds: number }
  sessionCacheMs: number
  /** New realtime connections a minute, per address and per user (reconnect storms). */
  realtimeConnectsPerMinute: number
  /** Messaging: the longest message body (characters) and messages a member may post a minute. */
  messaging: { maxLength: number; perMinute: number }
  /** Uploaded files: local disk under DATA_DIR/files, or an S3-compatible bucket when S3_BUCKET is set. */
  files: {
    s3: {
      endpoint: string | undefined
      bucket: string
      region: string
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined
      forcePathStyle: boolean
    } | null
    maxBytes: number
    /** Media types accepted, by content; `image/*` accepts any image. Null: the built-in list. */
    allowedTypes: string[] | null
  }
  /** Web Push (VAPID): from VAPID_* or generated once into DATA_DIR/vapid.json. */
  push: { publicKey: string; privateKey: string; subject: string }
  /** Users who are operators of the installation by their verified email (OPERATOR_EMAILS), lowercased. */
  operatorEmails: string[]
  /** The plans from PLANS_FILE, validated; null when no file is set (a default, unlimited free plan). */
  plans: { file: string; plans: PlanInput[] } | null
}

export class ConfigError extends Error {}

/** Parses and validates the environment once; throws a ConfigError naming every wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  const appUrl = (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '')
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    appUrl,
    trustedOrigins: e.APP_URL
      ? [appUrl]
      : ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${e.PORT}`),
    secureCookies: appUrl.startsWith('https://'),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    redisUrl: e.REDIS_URL,
    secretKey: e.SECRET_KEY ?? readOrCreateSecret(dataDir),
    previousSecretKeys: (e.SECRET_KEY_PREVIOUS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    stripeApi: e.STRIPE_API_URL ? apiAddress(e.STRIPE_API_URL) : null,
    billingStripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET }
        : null,
    billingGraceDays: e.BILLING_GRACE_DAYS,
    paypalApiUrl: e.PAYPAL_API_URL ? e.PAYPAL_API_URL.replace(/\/+$/, '') : null,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    seed: e.ATRIUM_SEED,
    devMail: e.ATRIUM_DEV_MAIL ?? (e.NODE_ENV !== 'production' && !e.SMTP_URL),
    signInRateLimit: { max: e.SIGNIN_RATE_LIMIT, windowSeconds: e.SIGNIN_RATE_WINDOW_SECONDS },
    sessionCacheMs: e.SESSION_CACHE_MS,
    realtimeConnectsPerMinute: e.REALTIME_CONNECTS_PER_MINUTE,
    messaging: { maxLength: e.MESSAGE_MAX_LENGTH, perMinute: e.MESSAGES_PER_MINUTE },
    files: {
      s3: e.S3_BUCKET
        ? {
            endpoint: e.S3_ENDPOINT,
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            credentials:
              e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
                ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
                : undefined,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : null,
      maxBytes: e.FILES_MAX_BYTES,
      allowedTypes: e.FILES_ALLOWED_TYPES?.split(',').map((t) => t.trim()) ?? null,
    },
    push: {
      ...(e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
        : readOrCreateVapidKeys(dataDir)),
      subject: e.VAPID_SUBJECT ?? `mailto:${/<([^>]+)>/.exec(e.MAIL_FROM)?.[1] ?? e.MAIL_FROM}`,
    },
    operatorEmails: (e.OPERATOR_EMAILS ?? '')
      .split(',')
      .map((m) => m.trim().toLowerCase())
      .filter(Boolean),
    plans: e.PLANS_FILE ? readPlansFile(resolve(e.PLANS_FILE)) : null,
  }
}

/** Reads and checks the plans file (a JSON array of plans); a bad file stops the start naming the fault. */
function readPlansFile(file: string): { file: string; plans: PlanInput[] } {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  PLANS_FILE: cannot read ${file} as JSON (${(err as Error).message})`,
    )
  }
  const r = PlansFileSchema.safeParse(raw)
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  PLANS_FILE ${i.path.join('.') || '(file)'}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const keys = r.data.map((p) => p.key)
  const twice = keys.find((k, i) => keys.indexOf(k) !== i)
  if (twice) throw new ConfigError(`Invalid configuration:\n  PLANS_FILE: plan key "${twice}" appears twice`)
  if (r.data.filter((p) => p.isDefault).length > 1)
    throw new ConfigError('Invalid configuration:\n  PLANS_FILE: more than one plan has "isDefault": true')
  return { file, plans: r.data }
}

/** A P-256 key pair for VAPID (base64url, as web-push expects), kept beside the secret key. */
function readOrCreateVapidKeys(dataDir: string): { publicKey: string; privateKey: string } {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'vapid.json')
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'))
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const key = ecdh.getPrivateKey()
  const keys = {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: Buffer.concat([Buffer.alloc(32 - key.length), key]).toString('base64url'),
  }
  writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 })
  return keys
}

function apiAddress(url: string) {
  const u = new URL(url)
  const protocol = u.protocol === 'http:' ? 'http' : 'https'
  return { protocol, host: u.hostname, port: Number(u.port || (protocol === 'http' ? 80 : 443)) } as const
}

function readOrCreateSecret(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, 'secret.key')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
