import { createRequire } from 'node:module'
import type { parse as Parse } from 'csv-parse/sync'
import { CreateClientSchema, importTargets } from '../../../../contracts/clients.ts'
import { unneutralise } from '../../kernel/http/csv.ts'
import { decodeUtf8Upload } from '../../kernel/http/input.ts'
import { type FieldError, problems } from '../../kernel/http/problem.ts'
import { type FieldDef, validateCustomValues } from '../custom-fields/index.ts'

// csv-parse is loaded by the first import parsed, not with the server (docs/operations.md, Footprint).
let parse: typeof Parse | undefined

/** Decodes an uploaded file: UTF-8 only (a BOM is dropped); anything else is a clear error. */
export const decodeCsv = (body: Buffer): string => decodeUtf8Upload(body, 'file')

/** Parses CSV text into rows of cells; a malformed file is a 400 naming the line. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'))
  const delimiter = [',', ';', '\t'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  )
  try {
    parse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: typeof Parse }).parse
    const rows = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    }) as string[][]
    return rows.filter((r) => r.some((c) => c.trim() !== ''))
  } catch (err) {
    const e = err as { message?: string; lines?: number }
    throw problems.badRequest(
      `The file is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message ?? 'parse error'}`,
      'file',
    )
  }
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')

const SYNONYMS: Record<(typeof importTargets)[number], string[]> = {
  name: [
    'name',
    'client',
    'clientname',
    'company',
    'companyname',
    'organisation',
    'organization',
    'customer',
    'customername',
    'account',
  ],
  kind: ['kind', 'type', 'clienttype'],
  legalName: ['legalname', 'registeredname', 'legalentity'],
  email: ['email', 'emailaddress', 'mail', 'clientemail', 'companyemail'],
  phone: ['phone', 'telephone', 'tel', 'phonenumber', 'mobile'],
  website: ['website', 'url', 'web', 'site', 'homepage'],
  taxId: ['taxid', 'vat', 'vatnumber', 'vatid', 'taxnumber', 'ein', 'tin'],
  currency: ['currency', 'defaultcurrency'],
  language: ['language', 'lang', 'locale'],
  paymentTermsDays: ['paymentterms', 'paymenttermsdays', 'terms', 'netdays'],
  status: ['status', 'stage'],
  tags: ['tags', 'tag', 'labels'],
  notes: ['notes', 'note', 'comments', 'description'],
  'billingAddress.line1': [
    'address',
    'address1',
    'addressline1',
    'street',
    'billingaddress',
    'billingstreet',
  ],
  'billingAddress.line2': ['address2', 'addressline2'],
  'billingAddress.city': ['city', 'town', 'billingcity'],
  'billingAddress.region': ['region', 'state', 'province', 'county'],
  'billingAddress.postalCode': ['postalcode', 'zip', 'zipcode', 'postcode'],
  'billingAddress.country': ['country', 'countrycode'],
  'contact.name': ['contact', 'contactname', 'primarycontact'],
  'contact.email': ['contactemail', 'primarycontactemail'],
  'contact.phone': ['contactphone'],
}

/** Maps columns to targets by header name (standard fields, then custom fields by key or label). */
export function autoMap(
  headers: string[],
  defs: Pick<FieldDef, 'key' | 'label'>[],
): Record<string, string | null> {
  const used = new Set<string>()
  const mapping: Record<string, string | null> = {}
  headers.forEach((h, i) => {
    const n = norm(h)
    let target: string | null = null
    for (const d of defs)
      if (norm(d.key) === n || norm(d.label) === n) {
        target = `cf.${d.key}`
        break
      }
    if (!target)
      for (const [t, names] of Object.entries(SYNONYMS))
        if (norm(t) === n || names.includes(n)) {
          target = t
          break
        }
    if (target && !used.has(target)) {
      used.add(target)
      mapping[String(i)] = target
    } else mapping[String(i)] = null
  })
  return mapping
}

/** Checks a mapping against the targets and the workspace's fields. */
export function checkMapping(mapping: Record<string, string | null>, headers: string[], defs: FieldDef[]) {
  const errors: FieldError[] = []
  const seen = new Map<string, string>()
  for (const [col, target] of Object.entries(mapping)) {
    if (target === null) continue
    if (Number(col) >= headers.length)
      errors.push({ field: `mapping.${col}`, message: 'there is no such column' })
    const known =
      (importTargets as readonly string[]).includes(target) ||
      (target.startsWith('cf.') && defs.some((d) => `cf.${d.key}` === target))
    if (!known)
      errors.push({ field: `mapping.${col}`, message: `${target} is not a field you can import into` })
    if (seen.has(target))
      errors.push({
        field: `mapping.${col}`,
        message: `${target} is already mapped to column ${seen.get(target)}`,
      })
    seen.set(target, col)
  }
  if (!Object.values(mapping).includes('name'))
    errors.push({ field: 'mapping', message: 'map a column to the client name' })
  if (errors.length) throw problems.validation(errors, 'The column mapping is not valid.')
}

export type ImportedRow = {
  client: ReturnType<typeof CreateClientSchema.parse>
  /** Only the fields the row gave, for "update" on duplicates. */
  given: Set<string>
  contact: { name: string; email: string | null; phone: string | null } | null
}

const KIND: Record<string, 'company' | 'person'> = {
  company: 'company',
  business: 'company',
  organisation: 'company',
  organization: 'company',
  person: 'person',
  individual: 'person',
}

/** A validator's complaint in words a person fixing a spreadsheet understands. */
function humanIssue(issue: { code: string; message: string; values?: readonly unknown[] }): string {
  if (issue.code === 'invalid_value' && issue.values) return `must be one of: ${issue.values.join(', ')}`
  if (issue.code === 'invalid_type') return 'is not a valid value'
  return issue.message
}

/** Turns one CSV row into a validated client, or the reasons it cannot be imported. */
export function mapRow(
  cells: string[],
  mapping: Record<string, string | null>,
  defs: FieldDef[],
): { ok: true; value: ImportedRow } | { ok: false; errors: FieldError[] } {
  const input: Record<string, unknown> = {}
  const custom: Record<string, unknown> = {}
  const contact: Record<string, string> = {}
  const given = new Set<string>()
  const errors: FieldError[] = []
  for (const [col, target] of Object.entries(mapping)) {
    if (!target) continue
    // A quote our export put before a formula-like value is not part of the value.
    const raw = unneutralise((cells[Number(col)] ?? '').trim())
    if (raw === '') continue
    given.add(target.split('.')[0] as string)
    if (target.startsWith('cf.')) custom[target.slice(3)] = raw
    else if (target.startsWith('contact.')) contact[target.slice(8)] = raw
    else if (target.startsWith('billingAddress.')) {
      const address = (input.billingAddress as Record<string, string> | undefined) ?? {}
      address[target.slice(15)] = raw
      input.billingAddress = address
    } else if (target === 'tags')
      input.tags = raw
        .split(/[;,]/)
        .map((t) => t.trim())
        .filter(Boolean)
    else if (target === 'paymentTermsDays') {
      const n = Number(raw)
      if (!Number.isInteger(n)) errors.push({ field: target, message: 'must be a whole number of days' })
      else input.paymentTermsDays = n
    } else if (target === 'kind') {
      const k = KIND[raw.toLowerCase()]
      if (!k) errors.push({ field: target, message: 'must be company or person' })
      else input.kind = k
    } else if (target === 'status') input.status = raw.toLowerCase()
    else input[target] = raw
  }
  const parsed = CreateClientSchema.safeParse(input)
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      errors.push({ field: issue.path.join('.') || 'row', message: humanIssue(issue) })
  const cf = validateCustomValues(defs, custom, undefined, true)
  errors.push(...cf.errors)
  let contactValue: ImportedRow['contact'] = null
  if (contact.name || contact.email) {
    const email = contact.email?.toLowerCase() ?? null
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      errors.push({ field: 'contact.email', message: 'must be an email address' })
    contactValue = {
      name: (contact.name ?? email ?? '').slice(0, 200),
      email,
      phone: contact.phone?.slice(0, 40) ?? null,
    }
  }
  if (errors.length || !parsed.success) return { ok: false, errors }
  return { ok: true, value: { client: { ...parsed.data, custom: cf.values }, given, contact: contactValue } }
}
