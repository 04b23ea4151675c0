import type { useNavigate } from '@tanstack/react-router'
import type { showToast } from '../../components/ui/toast.tsx'
import type { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { i18n } from '../../lib/i18n/index.ts'
import { can, type Me } from '../auth/api.ts'
import './strings.ts'

/**
 * A 402 from any API call (a limit reached, a feature not in the plan): the server's words, and for
 * those who may see billing a link to the plans. Loaded on the first 402; the shell's toast function
 * comes from the caller, so the toast stays in the shell's chunk.
 */
export function showQuotaToast(
  error: ApiError,
  ctx: { me: Me; navigate: ReturnType<typeof useNavigate>; showToast: typeof showToast },
): void {
  ctx.showToast({
    tone: 'error',
    message: errorMessage(error, i18n.t),
    action: can(ctx.me, 'billing:read')
      ? {
          label: i18n.t('billing.quota.upgrade'),
          onClick: () => void ctx.navigate({ to: '/settings/billing' }),
        }
      : undefined,
  })
}
