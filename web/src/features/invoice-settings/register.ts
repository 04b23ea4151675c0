import { registerNavItem, registerSettingsPage } from '../../lib/registry/navigation.ts'

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
