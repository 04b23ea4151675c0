import type { useNavigate } from '@tanstack/react-router'
import type { showToast } from '../../components/ui/toast.tsx'
import type { ApiError } from '../../lib/api.ts'
import { errorMessage } from '../../lib/errors.ts'
import { numberFormat } from '../../lib/format.ts'
import { i18n } from '../../lib/i18n/index.ts'
import { can, type Me } from '../auth/api.ts'
import { type FeatureKey, type LimitKey, meterKeys, planFeatureKeys } from './api.ts'
import './strings.ts'
import { formatBytes } from './usage-meter.tsx'

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
    message: quotaMessage(error) ?? errorMessage(error, i18n.t),
    action: can(ctx.me, 'billing:read')
      ? {
          label: i18n.t('billing.quota.upgrade'),
          onClick: () => void ctx.navigate({ to: '/settings/billing' }),
        }
      : undefined,
  })
}

const isLimit = (x: unknown): x is LimitKey => meterKeys.includes(x as LimitKey)
const isFeature = (x: unknown): x is FeatureKey => planFeatureKeys.includes(x as FeatureKey)

/** The 402 in the viewer's language, from its members; null when they are not the ones it knows. */
export function quotaMessage(error: ApiError): string | null {
  const { limit, allowed, usage, feature } = error.extensions
  if (isLimit(limit) && typeof allowed === 'number' && typeof usage === 'number') {
    const count = (n: number) =>
      limit === 'storageBytes' ? formatBytes(n, i18n.language) : numberFormat(i18n.language).format(n)
    return i18n.t('billing.quota.reached', {
      label: i18n.t(`billing.usage.labels.${limit}`),
      allowed: count(allowed),
      usage: count(usage),
    })
  }
  if (isFeature(feature))
    return i18n.t('billing.quota.feature', { feature: i18n.t(`billing.features.${feature}`) })
  return null
}
