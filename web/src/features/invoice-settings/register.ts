import { lazy } from 'react'
import { registerNavItem, registerSettingsPage } from '../../lib/registry/navigation.ts'
import { registerWidget } from '../../lib/registry/widgets.ts'

registerNavItem({
  id: 'products',
  to: '/products',
  labelKey: 'invoiceSettings.products.title',
  order: 35,
  permission: 'invoices:read',
  keywords: ['catalog', 'services', 'prices'],
})
registerSettingsPage({
  id: 'invoice-settings',
  to: '/settings/invoices',
  labelKey: 'invoiceSettings.title',
  order: 55,
  permission: 'invoices:settings',
  keywords: ['numbering', 'template', 'legal', 'bank', 'reminders'],
})
registerSettingsPage({
  id: 'tax-rates',
  to: '/settings/tax-rates',
  labelKey: 'invoiceSettings.taxRates.title',
  order: 56,
  permission: 'invoices:settings',
  keywords: ['vat', 'tax'],
})

const widgets = () => import('./widgets/summary-widgets.tsx')
registerWidget({
  id: 'invoices.outstanding',
  titleKey: 'invoiceSettings.widgets.outstanding',
  order: 50,
  permission: 'invoices:read',
  component: lazy(() => widgets().then((m) => ({ default: m.OutstandingWidget }))),
})
registerWidget({
  id: 'invoices.overdue',
  titleKey: 'invoiceSettings.widgets.overdue',
  order: 51,
  permission: 'invoices:read',
  component: lazy(() => widgets().then((m) => ({ default: m.OverdueWidget }))),
})
registerWidget({
  id: 'invoices.paid-this-month',
  titleKey: 'invoiceSettings.widgets.paidThisMonth',
  order: 52,
  permission: 'invoices:read',
  component: lazy(() => widgets().then((m) => ({ default: m.PaidThisMonthWidget }))),
})
