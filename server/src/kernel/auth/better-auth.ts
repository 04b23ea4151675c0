import { hash, verify } from '@node-rs/argon2'
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { openAPI, twoFactor } from 'better-auth/plugins'
import type { Config } from '../../config.ts'
import type { Db } from '../db/index.ts'
import type { Jobs } from '../jobs/index.ts'
import { MAIL_QUEUE, renderEmail } from '../mail/index.ts'
import { COOKIE_PREFIX, DISABLED_AUTH_PATHS } from './constants.ts'
import { accounts, sessions, twoFactors, users, verifications } from './schema.ts'

/** Better Auth owns identity: sign-up, email verification, passwords, sessions and TOTP. */
export function createBetterAuth(opts: { config: Config; db: Db; jobs: Jobs }) {
  const { config, db, jobs } = opts
  return betterAuth({
    appName: 'Atrium',
    baseURL: config.appUrl,
    basePath: '/api/auth',
    secret: config.secretKey,
    trustedOrigins: config.trustedOrigins,
    disabledPaths: DISABLED_AUTH_PATHS,
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: {
        user: users,
        session: sessions,
        account: accounts,
        verification: verifications,
        twoFactor: twoFactors,
      },
    }),
    advanced: {
      database: { generateId: 'uuid' },
      cookiePrefix: COOKIE_PREFIX,
      // Better Auth skips its origin and CSRF checks when NODE_ENV=test; tests must exercise them too.
      disableOriginCheck: false,
      useSecureCookies: config.secureCookies,
      ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
    },
    rateLimit: { enabled: false },
    session: {
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
      additionalFields: { activeWorkspaceId: { type: 'string', required: false, input: false } },
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      minPasswordLength: 10,
      maxPasswordLength: 256,
      resetPasswordTokenExpiresIn: 60 * 60,
      revokeSessionsOnPasswordReset: true,
      password: {
        hash: (password) => hash(password),
        verify: ({ hash: digest, password }) => verify(digest, password),
      },
      sendResetPassword: async ({ user, url }) => {
        await jobs.send(MAIL_QUEUE, {
          to: user.email,
          ...renderEmail({
            subject: 'Reset your Atrium password',
            greeting: `Hello ${user.name},`,
            lines: [
              'Someone asked to reset the password of your Atrium account.',
              'The link works once and expires in one hour. Setting a new password signs out your other sessions.',
            ],
            action: { label: 'Choose a new password', url },
            footer: 'If you did not ask for this, ignore this email; your password stays as it is.',
          }),
        })
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      autoSignInAfterVerification: true,
      expiresIn: 60 * 60 * 24,
      sendVerificationEmail: async ({ user, url, token }) => {
        if (changeRequestOf(token)) {
          await jobs.send(MAIL_QUEUE, {
            to: user.email,
            ...renderEmail({
              subject: 'Confirm your new email for Atrium',
              greeting: `Hello ${user.name},`,
              lines: [
                'You asked to sign in to Atrium with this address from now on.',
                'Your email changes when you open this link; until then the old address stays. The link expires in 24 hours.',
              ],
              action: { label: 'Confirm new email', url },
              footer: 'If you did not ask for this, ignore this email.',
            }),
          })
          return
        }
        await jobs.send(MAIL_QUEUE, {
          to: user.email,
          ...renderEmail({
            subject: 'Verify your email for Atrium',
            greeting: `Welcome to Atrium, ${user.name}!`,
            lines: [
              'Confirm your email address to finish creating your account. The link expires in 24 hours.',
            ],
            action: { label: 'Verify email', url },
          }),
        })
      },
    },
    // A new address is used only once its owner opens the link sent to it.
    user: { changeEmail: { enabled: true } },
    plugins: [
      twoFactor({ issuer: 'Atrium', backupCodeOptions: { amount: 10, length: 10 } }),
      openAPI({ disableDefaultReference: true }),
    ],
  })
}

export type BetterAuth = ReturnType<typeof createBetterAuth>

/** Whether a verification token confirms a change of address (rather than a new account's address). */
function changeRequestOf(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return typeof payload?.updateTo === 'string' || payload?.requestType === 'change-email-verification'
  } catch {
    return false
  }
}
