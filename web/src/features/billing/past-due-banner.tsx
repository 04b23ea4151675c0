import { useNavigate } from '@tanstack/react-router'
import { useTranslation } from 'react-i18next'
import { Alert, Button } from '../../components/ui/index.ts'
import { can, type Me } from '../auth/api.ts'
import { billingApi, goTo } from './api.ts'
import './strings.ts'

/** The workspace's payment failed: the owner opens Stripe's portal to fix the card; others are told. */
export default function PastDueBanner({ me }: { me: Me }) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const owner = can(me, 'billing:manage')
  return (
    <Alert tone="warning" title={t('billing.pastDue.title')}>
      <p>{owner ? t('billing.pastDue.owner') : t('billing.pastDue.member')}</p>
      {owner ? (
        <Button
          variant="secondary"
          className="mt-2"
          onClick={() =>
            billingApi.portal().then(
              ({ url }) => goTo(url),
              () => navigate({ to: '/settings/billing' }),
            )
          }
        >
          {t('billing.pastDue.action')}
        </Button>
      ) : null}
    </Alert>
  )
}
