/** The clients contract's value lists, without zod, so the web bundle can import them. */
export const clientStatuses = ['lead', 'active', 'archived'] as const
export const clientKinds = ['company', 'person'] as const
export const customFieldTypes = [
  'text',
  'long_text',
  'number',
  'money',
  'date',
  'select',
  'multi_select',
  'checkbox',
  'url',
  'email',
] as const
export const duplicateModes = ['skip', 'update', 'create'] as const
export const importTargets = [
  'name',
  'kind',
  'legalName',
  'email',
  'phone',
  'website',
  'taxId',
  'currency',
  'language',
  'paymentTermsDays',
  'status',
  'tags',
  'notes',
  'billingAddress.line1',
  'billingAddress.line2',
  'billingAddress.city',
  'billingAddress.region',
  'billingAddress.postalCode',
  'billingAddress.country',
  'contact.name',
  'contact.email',
  'contact.phone',
] as const
