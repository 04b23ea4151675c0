// The client page's Invoices tab (see features/clients/tabs.ts); its code loads when the tab is opened.
import { lazy, Suspense } from 'react'
import { Spinner } from '../../components/ui/index.ts'
import { type ClientTabProps, registerClientTab } from '../clients/tabs.ts'

const Tab = lazy(() => import('./client-invoices-tab.tsx'))

function InvoicesTab(props: ClientTabProps) {
  return (
    <Suspense fallback={<Spinner />}>
      <Tab {...props} />
    </Suspense>
  )
}

registerClientTab({
  id: 'invoices',
  labelKey: 'invoiceSettings.clientTab.title',
  order: 30,
  permission: 'invoices:read',
  component: InvoicesTab,
})
