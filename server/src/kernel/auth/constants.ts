/** The session cookie's name, after Better Auth's prefix (`atrium.session_token`). */
export const SESSION_COOKIE = 'session_token'

/**
 * Better Auth endpoints Atrium does not offer: social sign-in (no providers yet), account deletion
 * (DELETE /api/v1/me checks workspace ownership first), OTP by email/SMS (TOTP only), and the session
 * and profile endpoints that /api/v1/me replaces with audited ones.
 */
export const DISABLED_AUTH_PATHS = [
  '/sign-in/social',
  '/link-social',
  '/unlink-account',
  '/list-accounts',
  '/refresh-token',
  '/get-access-token',
  '/account-info',
  '/delete-user',
  '/delete-user/callback',
  '/update-user',
  '/update-session',
  '/list-sessions',
  '/revoke-session',
  '/revoke-sessions',
  '/revoke-other-sessions',
  '/two-factor/send-otp',
  '/two-factor/verify-otp',
]
export const COOKIE_PREFIX = 'atrium'
